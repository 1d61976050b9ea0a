//! `POST /api/v1/imports`: a file of tickets in the request body (CSV, XLSX, JSON or NDJSON, up
//! to 2 GB, streamed to disk, never held in memory), imported through a built-in or saved layout
//! or a `map`; answers with the report, or with the preview when `dry_run` is set.

use super::error::ApiError;
use super::extract::{ApiQuery, ApiUser};
use crate::domain::role::Area;
use crate::server::import::{self, layout, preview, table, ImportOptions, LayoutChoice};
use crate::server::state::AppState;
use axum::extract::State;
use futures::StreamExt;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tokio::io::AsyncWriteExt;
use utoipa::{IntoParams, ToSchema};

/// The largest file the endpoint takes.
pub const MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// A built-in layout (ticketlens, kaggle, multilang, twcs) or a saved one; default: detect
    /// from the header, then a saved layout whose header matches.
    pub layout: Option<String>,
    /// `field=column,...` mapping the file's columns (overrides a saved layout's fields).
    pub map: Option<String>,
    /// A chrono date format for the mapped date columns (e.g. `%d/%m/%Y %H:%M`).
    pub date_format: Option<String>,
    /// IANA zone of times without an offset.
    pub time_zone: Option<String>,
    /// Save the mapping under this layout name.
    pub save_as: Option<String>,
    /// Namespace of the file's ticket ids (default: the layout's name).
    pub source: Option<String>,
    /// Shown in the Data page's list of imports.
    pub file_name: Option<String>,
    /// Map every row and answer with the preview; write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One refused row.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    /// Line (CSV, NDJSON), sheet row (XLSX) or element (JSON array).
    pub line: u64,
    pub reason: String,
}

/// What an import did, or (dry run) would do.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportResult {
    /// None for a dry run.
    pub import_id: Option<i64>,
    pub layout: String,
    pub rows_read: u64,
    /// Tickets stored (dry run: tickets the rows would give).
    pub inserted: u64,
    pub duplicates: u64,
    pub messages: u64,
    pub skipped: u64,
    /// Reason → rows.
    pub reasons: BTreeMap<String, u64>,
    /// The first refused rows.
    pub errors: Vec<RowError>,
    pub dry_run: bool,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_file", message)
}

/// The layout choice the parameters describe.
async fn choice(state: &AppState, p: &ImportParams) -> Result<LayoutChoice, ApiError> {
    let request = layout::Request {
        layout: p.layout.clone(),
        map: p.map.clone(),
        date_format: p.date_format.clone(),
        time_zone: p.time_zone.clone(),
        // A dry run saves nothing.
        save_as: if p.dry_run { None } else { p.save_as.clone() },
    };
    request.choice(&state.pool).await.map_err(|e| {
        if e.chain().any(|c| c.downcast_ref::<sqlx::Error>().is_some()) {
            tracing::error!(error = ?e, "reading a saved layout failed");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The database is unavailable; try again.",
            )
        } else {
            invalid(format!("{e:#}"))
        }
    })
}

/// Writes the body to a temporary file, refusing more than [`MAX_BYTES`].
async fn spool(body: axum::body::Body) -> Result<tempfile::NamedTempFile, ApiError> {
    let file = tempfile::NamedTempFile::new().map_err(|e| {
        tracing::error!(error = ?e, "cannot create a temporary file for an import");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "The server could not store the file.",
        )
    })?;
    let mut out = tokio::fs::File::from_std(
        file.reopen()
            .map_err(|_| invalid("cannot store the file"))?,
    );
    let mut stream = body.into_data_stream();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| invalid(format!("the upload broke off: {e}")))?;
        size += chunk.len() as u64;
        if size > MAX_BYTES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "The file is larger than 2 GB: split it into parts (re-importing a part adds nothing twice).",
            ));
        }
        out.write_all(&chunk)
            .await
            .map_err(|_| invalid("cannot store the file"))?;
    }
    out.flush()
        .await
        .map_err(|_| invalid("cannot store the file"))?;
    Ok(file)
}

#[utoipa::path(
    post, path = "/imports", tag = "imports",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The file: CSV (any delimiter; UTF-8, Latin-1 or UTF-16), XLSX, a JSON array of objects or NDJSON"),
    responses(
        (status = 200, description = "Imported (or previewed with dry_run); bad rows are listed with their line and reason", body = ImportResult),
        (status = 400, description = "The file cannot be read, no layout knows its columns, or the mapping is wrong; nothing was written", body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody),
        (status = 413, body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(p): ApiQuery<ImportParams>,
    body: axum::body::Body,
) -> Result<axum::Json<ImportResult>, ApiError> {
    let user = user.require(Area::Data)?.clone();
    let choice = choice(&state, &p).await?;
    let file = spool(body).await?;
    let reader = || -> Result<std::io::BufReader<std::fs::File>, ApiError> {
        Ok(std::io::BufReader::with_capacity(
            1 << 20,
            file.reopen()
                .map_err(|_| invalid("cannot read the stored file"))?,
        ))
    };
    if p.dry_run {
        let input = reader()?;
        let t = tokio::task::spawn_blocking(move || table::open(input))
            .await
            .map_err(|_| invalid("the file reader failed"))?
            .map_err(|e| invalid(format!("{e:#}")))?;
        let header = t.records.header().to_vec();
        let mut layout = layout::resolve(&state.pool, &header, &choice, None)
            .await
            .map_err(|e| invalid(import::user_message(&e)))?;
        let name = layout.name().to_string();
        let pv = tokio::task::spawn_blocking(move || preview::preview(t, &mut layout, 0))
            .await
            .map_err(|_| invalid("the file reader failed"))?;
        return Ok(axum::Json(ImportResult {
            import_id: None,
            layout: name,
            rows_read: pv.rows_read,
            inserted: pv.tickets,
            duplicates: 0,
            messages: pv.messages,
            skipped: pv.bad + pv.ignored,
            reasons: pv.reasons,
            errors: pv
                .errors
                .into_iter()
                .map(|(line, reason)| RowError { line, reason })
                .collect(),
            dry_run: true,
        }));
    }
    let opts = ImportOptions {
        file_name: p
            .file_name
            .clone()
            .unwrap_or_else(|| "api upload".into())
            .chars()
            .take(200)
            .collect(),
        layout: choice,
        source: p
            .source
            .clone()
            .map(|s| s.trim().chars().take(100).collect())
            .filter(|s: &String| !s.is_empty()),
        user_id: Some(user.id),
        upload_id: None,
    };
    let report = crate::server::jobs::import::run(&state.pool, reader()?, opts)
        .await
        .map_err(|e| {
            if e.chain().any(|c| c.downcast_ref::<sqlx::Error>().is_some()) {
                tracing::error!(error = ?e, "API import failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The database failed during the import; try again (nothing is imported twice).",
                )
            } else {
                invalid(import::user_message(&e))
            }
        })?;
    Ok(axum::Json(ImportResult {
        import_id: Some(report.import_id),
        layout: report.format,
        rows_read: report.rows_read,
        inserted: report.inserted,
        duplicates: report.duplicates,
        messages: report.messages,
        skipped: report.skipped,
        reasons: report.reasons,
        errors: report
            .errors
            .into_iter()
            .take(1000)
            .map(|(line, reason)| RowError { line, reason })
            .collect(),
        dry_run: false,
    }))
}
