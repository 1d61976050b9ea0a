//! Server side of the Data page: the imports and their reports, and `POST /data/import`, a
//! multipart upload imported like the CLI does, or sent to the mapping screen when no layout
//! knows its columns.

use super::DataOverview;
use crate::domain::role::Area;
use crate::error::AppError;
use crate::server::auth::SessionUser;
use crate::server::import::{self, layout::NoLayout, ImportOptions, LayoutChoice};
use crate::server::state::AppState;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use http::StatusCode;
use sqlx::PgPool;

/// Recent imports, and the report of `selected` (or of the newest) with up to 200 bad rows.
pub async fn data_page(pool: &PgPool, selected: Option<i64>) -> Result<DataOverview, AppError> {
    use super::{ImportDetail, ImportSummary};
    use crate::server::db;
    let to_summary = |r: db::imports::ImportRow| ImportSummary {
        id: r.id,
        file_name: r.file_name,
        format: r.format,
        source: r.source,
        started_at: r.started_at,
        finished: r.finished_at.is_some(),
        rows_read: r.rows_read,
        inserted: r.inserted,
        duplicates: r.duplicates,
        messages: r.messages,
        skipped: r.skipped,
        failure: r.failure,
        interrupted: r.interrupted,
        resumable: r.interrupted && r.upload_id.is_some() && r.plan.is_some(),
        reasons: {
            let mut v: Vec<(String, i64)> = r.reasons.0.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        },
    };
    let imports: Vec<ImportSummary> = db::imports::recent(pool, 20)
        .await?
        .into_iter()
        .map(to_summary)
        .collect();
    let chosen = match selected {
        Some(id) => db::imports::get(pool, id).await?.map(to_summary),
        None => imports.first().cloned(),
    };
    let selected = match chosen {
        Some(summary) => {
            let (sentiment_labels, category_labels) =
                db::labelled::source_labels(pool, &summary.source).await?;
            Some(ImportDetail {
                errors: db::imports::errors(pool, summary.id, 200).await?,
                summary,
                sentiment_labels,
                category_labels,
            })
        }
        None => None,
    };
    Ok(DataOverview {
        imports,
        selected,
        layouts: super::layouts::server::summaries(pool).await?,
    })
}

/// Largest upload the Data page takes (it keeps the file for the mapping screen and resumes).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

const TOO_LARGE: &str = "The file is larger than the Data page takes (64 MB): import it with `ticketlens import FILE` or `POST /api/v1/imports` (up to 2 GB, streamed).";

/// `POST /data/import`: a multipart CSV upload from the Data page, imported like the CLI does.
pub async fn upload(
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
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return bad(TOO_LARGE)
                        }
                        Err(e) => return bad(&format!("The upload broke off: {e}")),
                    }
                }
                Some("format") => {
                    format = field
                        .text()
                        .await
                        .ok()
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty() && f != "auto")
                }
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
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return bad(TOO_LARGE),
            Err(e) => return bad(&format!("The upload could not be read: {e}")),
        }
    }
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return bad("Choose a non-empty file.");
    };
    let pool = &state.pool;
    // Uploads are kept a week for the mapping screen and resumes, then forgotten.
    if let Err(e) = crate::server::db::uploads::prune(pool, 7).await {
        tracing::warn!(error = ?e, "pruning old uploads failed");
    }
    // Kept for the mapping screen and for resuming the import if it is interrupted.
    let upload_id =
        match crate::server::db::uploads::save(pool, &file_name, &bytes, Some(user.id)).await {
            Ok(id) => id,
            Err(e) => {
                tracing::error!(error = ?e, "storing an upload failed");
                return bad("The upload could not be stored; the details are in the server log.");
            }
        };
    let map_screen = Redirect::to(&format!("/data/map?upload={upload_id}")).into_response();
    if format.as_deref() == Some("map") {
        return map_screen;
    }
    let opts = ImportOptions {
        file_name,
        layout: format.map_or(LayoutChoice::Detect, LayoutChoice::Named),
        source,
        user_id: Some(user.id),
        upload_id: Some(upload_id),
    };
    match crate::server::jobs::import::run(pool, std::io::Cursor::new(bytes), opts).await {
        Ok(report) => {
            tracing::info!(user = %user.email, id = report.import_id, inserted = report.inserted, "upload imported");
            Redirect::to(&format!("/data?import={}", report.import_id)).into_response()
        }
        // No layout knows the columns: map them.
        Err(e) if e.downcast_ref::<NoLayout>().is_some() => map_screen,
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

/// Makes a labelled set of the sentiment labels an import's source brought, for the Evaluation
/// page; the set is named after the source.
pub async fn labels_to_set(pool: &PgPool, user_id: i64, import_id: i64) -> Result<(), AppError> {
    use crate::server::db;
    let import = db::imports::get(pool, import_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let name: String = format!("{} labels", import.source)
        .chars()
        .take(100)
        .collect();
    let set_id = db::labelled::ensure(pool, &name, "tickets", Some(user_id)).await?;
    let added = db::labelled::add_from_source(pool, set_id, &import.source, Some(user_id)).await?;
    leptos_axum::redirect(&format!(
        "/evaluation?ok={}",
        crate::domain::url::encode(&format!(
            "{added} labelled tickets added to the set \"{name}\"."
        ))
    ));
    Ok(())
}

/// Runs an interrupted import again from its uploaded file, the same way (layout, source): rows
/// it had stored are skipped as duplicates, the rest are added.
pub async fn resume(pool: &PgPool, user_id: i64, import_id: i64) -> Result<(), AppError> {
    use crate::server::db;
    let old = db::imports::get(pool, import_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (Some(upload_id), Some(plan), true) = (old.upload_id, old.plan.clone(), old.interrupted)
    else {
        return Err(AppError::Invalid(
            "Only an interrupted import of an uploaded file can be resumed here; run a command-line import again instead (nothing is imported twice).".into(),
        ));
    };
    let layout: LayoutChoice =
        serde_json::from_value(plan.0["layout"].clone()).map_err(|_| AppError::Internal)?;
    let source = plan.0["source"].as_str().map(str::to_string);
    let (file_name, bytes) = db::uploads::get(pool, upload_id).await?.ok_or_else(|| {
        AppError::Invalid("The uploaded file is no longer kept: upload it again.".into())
    })?;
    // Closed first, so a second click cannot start a second resume of the same import.
    if !db::imports::close_interrupted(pool, import_id, super::RESUMED).await? {
        return Err(AppError::Invalid("This import was already resumed.".into()));
    }
    let opts = ImportOptions {
        file_name,
        layout,
        source,
        user_id: Some(user_id),
        upload_id: Some(upload_id),
    };
    match crate::server::jobs::import::run(pool, std::io::Cursor::new(bytes), opts).await {
        Ok(report) => {
            let note = format!("{} as import #{}", super::RESUMED, report.import_id);
            db::imports::set_failure(pool, import_id, &note).await?;
            leptos_axum::redirect(&format!("/data?import={}", report.import_id));
        }
        Err(e) => leptos_axum::redirect(&format!(
            "/data?import={import_id}&error={}",
            crate::domain::url::encode(&import::user_message(&e))
        )),
    }
    Ok(())
}
