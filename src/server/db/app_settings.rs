//! SQL for admin choices kept in the database (the active sentiment engine and its version).

use serde::{de::DeserializeOwned, Serialize};
use sqlx::PgExecutor;

pub const ACTIVE_SENTIMENT: &str = "sentiment.active";

pub async fn get<T: DeserializeOwned>(
    db: impl PgExecutor<'_>,
    key: &str,
) -> sqlx::Result<Option<T>> {
    let value: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT value FROM app_settings WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?;
    Ok(value.and_then(|v| serde_json::from_value(v).ok()))
}

pub async fn set<T: Serialize>(
    db: impl PgExecutor<'_>,
    key: &str,
    value: &T,
    user_id: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO app_settings (key, value, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE
           SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()",
    )
    .bind(key)
    .bind(sqlx::types::Json(value))
    .bind(user_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Sets `key` only when it has no value yet; returns whether it did.
pub async fn set_if_absent<T: Serialize>(
    db: impl PgExecutor<'_>,
    key: &str,
    value: &T,
) -> sqlx::Result<bool> {
    sqlx::query(
        "INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(sqlx::types::Json(value))
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}
