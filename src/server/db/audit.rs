//! SQL for the audit log of admin actions.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgExecutor};

/// Records one action.
pub async fn record(
    db: impl PgExecutor<'_>,
    actor_id: i64,
    actor: &str,
    action: &str,
    detail: &Value,
    status: u16,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor_id, actor, action, detail, status) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(actor_id)
    .bind(actor)
    .bind(action)
    .bind(detail)
    .bind(status as i16)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct Entry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub detail: Value,
    pub status: i16,
}

/// The newest `limit` entries, of actions starting with `prefix` when given (e.g. `rules/`).
pub async fn recent(
    db: impl PgExecutor<'_>,
    prefix: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<Entry>> {
    sqlx::query_as(
        "SELECT at, actor, action, detail, status FROM audit_log
         WHERE $1::text IS NULL OR action LIKE $1 || '%'
         ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(prefix)
    .bind(limit)
    .fetch_all(db)
    .await
}
