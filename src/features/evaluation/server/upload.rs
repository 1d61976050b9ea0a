//! `POST /evaluation/sets/import`: a labelled CSV (text, label) uploaded into a named set.

use crate::domain::role::Area;
use crate::domain::url::encode;
use crate::server::auth::SessionUser;
use crate::server::db;
use crate::server::pipeline::evaluation::files;
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
    let Some(user) = user.filter(|u| Area::Tuning.allows(u.role)) else {
        return (StatusCode::FORBIDDEN, "Only admins may add labelled sets.").into_response();
    };
    let mut file = None;
    let mut name = String::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => match field.bytes().await {
                    Ok(b) => file = Some(b),
                    Err(e) => {
                        return back(&format!(
                            "error={}",
                            encode(&format!("The upload broke off: {e}"))
                        ))
                    }
                },
                Some("name") => name = field.text().await.unwrap_or_default().trim().to_string(),
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                return back(&format!(
                    "error={}",
                    encode(&format!("The upload could not be read: {e}"))
                ))
            }
        }
    }
    if name.is_empty() || name.len() > 100 {
        return back(&format!(
            "error={}",
            encode("Give the set a name of up to 100 characters.")
        ));
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return back(&format!("error={}", encode("Choose a non-empty CSV file.")));
    };
    let read = match files::read_csv(std::io::Cursor::new(bytes)) {
        Ok(r) => r,
        Err(e) => return back(&format!("error={}", encode(&format!("{e}.")))),
    };
    let stored = async {
        let set_id = db::labelled::ensure(&state.pool, &name, "csv", Some(user.id)).await?;
        let (texts, labels): (Vec<String>, Vec<&str>) = read
            .examples
            .iter()
            .map(|(t, l)| (t.clone(), l.as_str()))
            .unzip();
        db::labelled::add_items(&state.pool, set_id, &texts, &labels, Some(user.id)).await
    }
    .await;
    match stored {
        Ok(added) => {
            let mut msg = format!(
                "{added} items added to {name} ({} already there).",
                read.examples.len() as u64 - added
            );
            if !read.bad_rows.is_empty() {
                let lines: Vec<String> = read
                    .bad_rows
                    .iter()
                    .take(10)
                    .map(|(line, why)| format!("line {line}: {why}"))
                    .collect();
                msg += &format!(
                    " {} rows skipped: {}",
                    read.bad_rows.len(),
                    lines.join("; ")
                );
            }
            back(&format!("ok={}", encode(&msg)))
        }
        Err(e) => {
            tracing::error!(error = ?e, "labelled set upload failed");
            back(&format!(
                "error={}",
                encode("The set could not be stored; the details are in the server log.")
            ))
        }
    }
}

fn back(query: &str) -> Response {
    Redirect::to(&format!("/evaluation?{query}")).into_response()
}
