//! SQL for an escalated ticket's activity trail: who did what, when (notes included).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

pub async fn add(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
    actor_id: Option<i64>,
    kind: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO escalation_activity (ticket_id, actor_id, kind, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(ticket_id)
    .bind(actor_id)
    .bind(kind)
    .bind(body)
    .execute(db)
    .await
    .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct ActivityRow {
    pub actor: Option<String>,
    pub kind: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A ticket's trail, oldest first.
pub async fn of_ticket(db: impl PgExecutor<'_>, ticket_id: i64) -> sqlx::Result<Vec<ActivityRow>> {
    sqlx::query_as(
        "SELECT u.name AS actor, a.kind, a.body, a.created_at
         FROM escalation_activity a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.ticket_id = $1 ORDER BY a.id",
    )
    .bind(ticket_id)
    .fetch_all(db)
    .await
}
