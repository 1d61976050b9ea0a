//! Attaches the session's user to every request, and sends anonymous page views to the login page.

use super::{token_from_headers, token_hash, SessionUser};
use crate::features::auth::CurrentUser;
use crate::server::db;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// Paths anyone may load without a session.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path.starts_with("/pkg/")
        || path.starts_with("/api/")
        || path == "/favicon.ico"
        || path == "/healthz"
        || path.ends_with(".png")
        || path.ends_with(".svg")
}

pub async fn attach_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/pkg/") {
        return next.run(req).await;
    }
    let user = match token_from_headers(req.headers()) {
        Some(token) => match db::sessions::user(&state.pool, &token_hash(&token)).await {
            Ok(row) => row.map(|u| CurrentUser {
                id: u.id,
                role: u.role(),
                email: u.email,
                name: u.name,
            }),
            Err(e) => {
                tracing::error!(error = ?e, "session lookup failed");
                return (
                    http::StatusCode::SERVICE_UNAVAILABLE,
                    "database unavailable",
                )
                    .into_response();
            }
        },
        None => None,
    };
    let path = req.uri().path().to_string();
    if user.is_none() && req.method() == http::Method::GET && !is_public(&path) {
        let next_url = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let target = format!("/login?next={}", urlencode(&next_url));
        return Redirect::to(&target).into_response();
    }
    req.extensions_mut().insert(SessionUser(user));
    next.run(req).await
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
