//! Server side of the layouts list: summaries for the Data page, the JSON export
//! (`GET /data/layout.json?name=…`), and how a layout change answers.

use super::LayoutSummary;
use crate::domain::role::Area;
use crate::error::AppError;
use crate::server::auth::SessionUser;
use crate::server::import::layouts;
use crate::server::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::{header, StatusCode};
use sqlx::PgPool;
use std::collections::HashMap;

/// Every layout, built-in first, as the Data page lists them.
pub async fn summaries(pool: &PgPool) -> Result<Vec<LayoutSummary>, AppError> {
    let all = layouts::list(pool).await.map_err(|e| {
        tracing::error!(error = ?e, "listing layouts failed");
        AppError::Internal
    })?;
    Ok(all
        .into_iter()
        .map(|(file, row)| LayoutSummary {
            fields: file
                .mapping
                .columns
                .iter()
                .map(|(f, c)| (f.label().to_string(), c.clone()))
                .collect(),
            columns: file.header.len(),
            value_maps: file.mapping.values.values().map(|m| m.len()).sum(),
            builtin: row.is_none(),
            updated_at: row.map(|r| r.updated_at),
            name: file.name,
        })
        .collect())
}

/// Ends a layout change on the Data page: with what was done, or with why it was refused (the
/// user's to fix, so said in full; other failures stay in the server log).
pub fn finish(done: anyhow::Result<String>) -> Result<(), AppError> {
    let query = match done {
        Ok(message) => format!("ok={}", crate::domain::url::encode(&message)),
        Err(e) if e.downcast_ref::<sqlx::Error>().is_some() => {
            tracing::error!(error = ?e, "a layout change failed");
            return Err(AppError::Internal);
        }
        Err(e) => format!("error={}", crate::domain::url::encode(&e.to_string())),
    };
    leptos_axum::redirect(&format!("/data?{query}"));
    Ok(())
}

/// `GET /data/layout.json?name=…`: a layout (built-in or saved) as a JSON file, for
/// `ticketlens layouts import` or the Data page of another TicketLens.
pub async fn export(
    State(state): State<AppState>,
    Extension(SessionUser(user)): Extension<SessionUser>,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "log in first").into_response();
    };
    if !Area::Data.allows(user.role) {
        return (StatusCode::FORBIDDEN, "only admins manage layouts").into_response();
    }
    let Some(name) = p.get("name") else {
        return (StatusCode::BAD_REQUEST, "say which layout: ?name=…").into_response();
    };
    match layouts::export(&state.pool, name).await {
        Ok(file) => match serde_json::to_string_pretty(&file) {
            Ok(body) => {
                // The file name keeps only plain characters of the layout's name.
                let stem: String = file
                    .name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                (
                    [
                        (header::CONTENT_TYPE, "application/json".to_string()),
                        (
                            header::CONTENT_DISPOSITION,
                            format!("attachment; filename=\"ticketlens-layout-{stem}.json\""),
                        ),
                    ],
                    body,
                )
                    .into_response()
            }
            Err(e) => {
                tracing::error!(error = ?e, "a layout export failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "the export failed").into_response()
            }
        },
        Err(e) if e.downcast_ref::<sqlx::Error>().is_some() => {
            tracing::error!(error = ?e, "a layout export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "the export failed").into_response()
        }
        Err(e) => (StatusCode::NOT_FOUND, e.to_string()).into_response(),
    }
}
