//! The versioned REST API at `/api/v1` for other systems: bearer-token auth, one JSON error shape, and an OpenAPI document built from the handlers.

pub mod analyse;
mod docs;
pub use crate::error::api as error;
pub mod escalations;
pub mod evaluations;
pub mod extract;
pub mod imports;
pub mod inbound;
pub mod messages;
pub mod tickets;

use crate::server::state::AppState;
use error::ApiError;
use http::StatusCode;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Largest request body the API reads.
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "TicketLens API",
        version = "1",
        description = "Tickets, ad-hoc analysis, escalations and evaluation runs. Authenticate with an API token from the Tokens page: `Authorization: Bearer <token>`. Errors are `{\"error\": {\"code\", \"message\"}}`."
    ),
    modifiers(&BearerAuth),
    components(schemas(error::ErrorBody, error::ErrorDetail))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
    }
}

/// The API's routes (already under `/api/v1`) and the OpenAPI document describing them.
pub fn routes() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(tickets::list, tickets::create))
        .routes(routes!(tickets::get))
        .routes(routes!(messages::list, messages::append))
        .routes(routes!(escalations::list))
        .routes(routes!(escalations::get))
        .routes(routes!(escalations::claim))
        .routes(routes!(escalations::note))
        .routes(routes!(escalations::resolve))
        .routes(routes!(escalations::reopen))
        .routes(routes!(evaluations::list))
        .routes(routes!(evaluations::get))
        .routes(routes!(analyse::analyse))
        .routes(routes!(imports::create));
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1)
        .split_for_parts();
    docs::add_common_errors(&mut doc);
    docs::require_subject_or_body(&mut doc);
    (router, doc)
}

/// The API router: routes, `/api/v1/openapi.json`, JSON errors for unknown paths and methods,
/// and the body size limit.
pub fn router() -> axum::Router<AppState> {
    let (api, doc) = routes();
    let doc = std::sync::Arc::new(doc);
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
    .route("/api/v1", axum::routing::any(not_found))
    .route("/api/v1/{*rest}", axum::routing::any(not_found))
    .method_not_allowed_fallback(method_not_allowed)
    // Imports stream their body to disk under their own limit (`imports::MAX_BYTES`).
    .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such API endpoint.")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This endpoint does not take that method.",
    )
}
