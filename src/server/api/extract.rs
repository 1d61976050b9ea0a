//! Request extractors of the API: the bearer token's user, and JSON and query bodies whose rejections use the API's error shape.

use super::error::ApiError;
use crate::domain::role::Area;
use crate::domain::role::CurrentUser;
use crate::server::state::AppState;
use crate::server::{auth, db};
use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use http::StatusCode;

/// The user behind the request's `Authorization: Bearer` API token.
#[derive(Debug, Clone)]
pub struct ApiUser(pub CurrentUser);

impl ApiUser {
    /// Fails with 403 unless the user's role may use `area`.
    pub fn require(&self, area: Area) -> Result<&CurrentUser, ApiError> {
        if area.allows(self.0.role) {
            Ok(&self.0)
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Your role does not allow this.",
            ))
        }
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "Send an API token as `Authorization: Bearer <token>`.",
            ));
        };
        match db::api_tokens::user(&state.pool, &auth::token_hash(token)).await? {
            Some(u) => Ok(ApiUser(CurrentUser {
                id: u.id,
                role: u.role(),
                email: u.email,
                name: u.name,
            })),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "The API token is unknown or revoked.",
            )),
        }
    }
}

/// A JSON body; a malformed one is a 400 (413 too large, 415 not JSON) in the API's shape.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        // PostgreSQL text cannot hold NUL: refuse it here rather than fail on insert.
        if has_nul(&value) {
            return Err(ApiError::invalid(
                "Text may not contain NUL characters (\\u0000).",
            ));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            ApiError::invalid(format!(
                "Failed to deserialize the JSON body into the target type: {e}"
            ))
        })
    }
}

/// Whether any string (or key) in `v` holds a NUL character.
fn has_nul(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(has_nul),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// Query parameters; ones that do not parse are a 400 in the API's shape.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    axum::extract::Query<T>:
        FromRequestParts<S, Rejection = axum::extract::rejection::QueryRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Query(v) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(v))
    }
}

/// A path parameter; one that does not parse is a 400 in the API's shape.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    axum::extract::Path<T>:
        FromRequestParts<S, Rejection = axum::extract::rejection::PathRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(r) => Err(ApiError::invalid(r.body_text())),
        }
    }
}
