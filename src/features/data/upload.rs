//! `POST /data/import`: a multipart CSV upload from the Data page, imported like the CLI does.

use crate::domain::role::Area;
use crate::server::auth::SessionUser;
use crate::server::import::{self, formats::Format, ImportOptions};
use crate::server::state::AppState;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use http::StatusCode;

pub async fn handle(
    State(state): State<AppState>,
    Extension(SessionUser(user)): Extension<SessionUser>,
    mut form: Multipart,
) -> Response {
    let Some(user) = user.filter(|u| Area::Data.allows(u.role)) else {
        return (StatusCode::FORBIDDEN, "Only admins may import data.").into_response();
    };
    let mut file: Option<(String, bytes::Bytes)> = None;
    let mut format = None;
    let mut source = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or("upload.csv").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b)),
                        Err(e) => return bad(&format!("The upload broke off: {e}")),
                    }
                }
                Some("format") => format = field.text().await.ok().and_then(|f| Format::parse(&f)),
                Some("source") => {
                    source = field
                        .text()
                        .await
                        .ok()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty() && s.len() <= 100)
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => return bad(&format!("The upload could not be read: {e}")),
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return bad("Choose a non-empty CSV file.");
    };
    let opts = ImportOptions {
        file_name,
        format,
        source,
        user_id: Some(user.id),
    };
    match crate::server::jobs::import::run(&state.pool, std::io::Cursor::new(bytes), opts).await {
        Ok(report) => {
            tracing::info!(user = %user.email, id = report.import_id, inserted = report.inserted, "upload imported");
            Redirect::to(&format!("/data?import={}", report.import_id)).into_response()
        }
        Err(e) => {
            tracing::warn!(error = ?e, "upload import failed");
            // Layout problems are the user's to fix; database failures stay in the log.
            bad(&import::user_message(&e))
        }
    }
}

fn bad(message: &str) -> Response {
    Redirect::to(&format!(
        "/data?error={}",
        crate::domain::url::encode(message)
    ))
    .into_response()
}
