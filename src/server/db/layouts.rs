//! SQL for saved import layouts: named column mappings found again by header fingerprint.

use crate::domain::mapping::Mapping;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{FromRow, PgExecutor};

#[derive(Debug, Clone, FromRow)]
pub struct LayoutRow {
    pub id: i64,
    pub name: String,
    pub fingerprint: String,
    pub header: Json<Vec<String>>,
    pub mapping: Json<Mapping>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, fingerprint, header, mapping, updated_at";

/// Saves `mapping` under `name` (replacing a layout of that name).
pub async fn save(
    db: impl PgExecutor<'_>,
    name: &str,
    header: &[String],
    mapping: &Mapping,
    user_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO import_layouts (name, fingerprint, header, mapping, created_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ((lower(name))) DO UPDATE SET name = EXCLUDED.name, fingerprint = EXCLUDED.fingerprint,
             header = EXCLUDED.header, mapping = EXCLUDED.mapping, updated_at = now()
         RETURNING id",
    )
    .bind(name)
    .bind(crate::domain::mapping::fingerprint(header))
    .bind(Json(header))
    .bind(Json(mapping))
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// The layout last saved for a header with this fingerprint.
pub async fn by_fingerprint(
    db: impl PgExecutor<'_>,
    fingerprint: &str,
) -> sqlx::Result<Option<LayoutRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM import_layouts WHERE fingerprint = $1 ORDER BY updated_at DESC, id DESC LIMIT 1"
    ))
    .bind(fingerprint)
    .fetch_optional(db)
    .await
}

pub async fn by_name(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Option<LayoutRow>> {
    // PostgreSQL refuses a NUL in text: no layout can have such a name.
    if name.contains('\0') {
        return Ok(None);
    }
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM import_layouts WHERE lower(name) = lower($1)"
    ))
    .bind(name.trim())
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<LayoutRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM import_layouts ORDER BY lower(name)"
    ))
    .fetch_all(db)
    .await
}

/// Renames a layout; `false` when it does not exist. A name in use is a unique violation.
pub async fn rename(db: impl PgExecutor<'_>, id: i64, name: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE import_layouts SET name = $2, updated_at = now() WHERE id = $1")
        .bind(id)
        .bind(name)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM import_layouts WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
