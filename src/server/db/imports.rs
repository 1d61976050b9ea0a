//! SQL for the import log: one row per import, and its bad rows with line numbers.

use crate::domain::import::ImportReport;
use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor, PgPool};

/// What an import records when it starts.
pub struct NewImport<'a> {
    pub file_name: &'a str,
    /// The layout's name.
    pub format: &'a str,
    pub source: &'a str,
    pub user_id: Option<i64>,
    pub file_kind: &'a str,
    pub layout_id: Option<i64>,
    pub upload_id: Option<i64>,
    /// The layout choice and source, for a resume.
    pub plan: serde_json::Value,
}

pub async fn start(db: impl PgExecutor<'_>, i: &NewImport<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO imports (file_name, format, source, user_id, file_kind, layout_id, progress_at, upload_id, plan)
         VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8) RETURNING id",
    )
    .bind(i.file_name)
    .bind(i.format)
    .bind(i.source)
    .bind(i.user_id)
    .bind(i.file_kind)
    .bind(i.layout_id)
    .bind(i.upload_id)
    .bind(&i.plan)
    .fetch_one(db)
    .await
}

/// Marks an import as still making progress (each committed batch).
pub async fn progress(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE imports SET progress_at = now() WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
        .map(|_| ())
}

/// Records the final counts and the bad rows.
pub async fn finish(pool: &PgPool, r: &ImportReport, failure: Option<&str>) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE imports SET finished_at = now(), rows_read = $2, inserted = $3, duplicates = $4,
         skipped = $5, failure = $6, reasons = $7, messages = $8 WHERE id = $1",
    )
    .bind(r.import_id)
    .bind(r.rows_read as i64)
    .bind(r.inserted as i64)
    .bind(r.duplicates as i64)
    .bind(r.skipped as i64)
    .bind(failure)
    .bind(sqlx::types::Json(&r.reasons))
    .bind(r.messages as i64)
    .execute(&mut *tx)
    .await?;
    let (lines, reasons): (Vec<i64>, Vec<String>) = r
        .errors
        .iter()
        .map(|(l, why)| (*l as i64, why.clone()))
        .unzip();
    sqlx::query(
        "INSERT INTO import_errors (import_id, line, reason)
         SELECT $1, * FROM UNNEST($2::bigint[], $3::text[]) ON CONFLICT DO NOTHING",
    )
    .bind(r.import_id)
    .bind(&lines)
    .bind(&reasons)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, FromRow)]
pub struct ImportRow {
    pub id: i64,
    pub file_name: String,
    pub format: String,
    pub source: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub rows_read: i64,
    pub inserted: i64,
    pub duplicates: i64,
    pub messages: i64,
    pub skipped: i64,
    pub failure: Option<String>,
    pub reasons: sqlx::types::Json<std::collections::BTreeMap<String, i64>>,
    /// Not finished and no batch committed for [`STALLED_MINUTES`]: its process died.
    pub interrupted: bool,
    pub upload_id: Option<i64>,
    /// The layout choice and source it ran with.
    pub plan: Option<sqlx::types::Json<serde_json::Value>>,
}

/// An unfinished import that committed nothing for this long was interrupted (every batch of a
/// running import commits within seconds).
pub const STALLED_MINUTES: i32 = 5;

const COLUMNS: &str = "id, file_name, format, source, started_at, finished_at, rows_read, inserted, duplicates, messages, skipped, failure, reasons,
    (finished_at IS NULL AND coalesce(progress_at, started_at) < now() - make_interval(mins => $STALLED)) AS interrupted,
    upload_id, plan";

fn columns() -> String {
    COLUMNS.replace("$STALLED", &STALLED_MINUTES.to_string())
}

/// Replaces a finished import's failure note.
pub async fn set_failure(db: impl PgExecutor<'_>, id: i64, note: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE imports SET failure = $2 WHERE id = $1")
        .bind(id)
        .bind(note)
        .execute(db)
        .await
        .map(|_| ())
}

/// Closes an interrupted import (still unfinished and stalled, checked in the same statement, so
/// two resumes cannot both take it), saying why.
pub async fn close_interrupted(db: impl PgExecutor<'_>, id: i64, note: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE imports SET finished_at = now(), failure = $2 WHERE id = $1 AND finished_at IS NULL
         AND coalesce(progress_at, started_at) < now() - make_interval(mins => $3)",
    )
    .bind(id)
    .bind(note)
    .bind(STALLED_MINUTES)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn recent(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<ImportRow>> {
    sqlx::query_as(&format!(
        "SELECT {} FROM imports ORDER BY id DESC LIMIT $1",
        columns()
    ))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<ImportRow>> {
    sqlx::query_as(&format!("SELECT {} FROM imports WHERE id = $1", columns()))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The first `limit` bad rows of an import, by line.
pub async fn errors(
    db: impl PgExecutor<'_>,
    id: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as(
        "SELECT line, reason FROM import_errors WHERE import_id = $1 ORDER BY line LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await
}
