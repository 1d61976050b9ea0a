//! SQL for replies to tickets: agents' own replies, automatic ones, and the first response.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};

/// Records the first response on the ticket and on its escalation, when not recorded yet.
pub async fn first_response(tx: &mut sqlx::PgConnection, ticket_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tickets SET first_response_at = greatest(now(), created_at)
         WHERE id = $1 AND first_response_at IS NULL",
    )
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE escalations SET first_response_at = now(), updated_at = now()
         WHERE ticket_id = $1 AND first_response_at IS NULL",
    )
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Stores an agent's reply as sent by hand; returns its id.
pub async fn insert_agent_reply(
    tx: &mut sqlx::PgConnection,
    ticket_id: i64,
    author_id: i64,
    body: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO responses (ticket_id, method, body, status, delivery, author_id, sent_at)
         VALUES ($1, 'agent', $2, 'sent', 'manual', $3, now()) RETURNING id",
    )
    .bind(ticket_id)
    .bind(body)
    .bind(author_id)
    .fetch_one(&mut *tx)
    .await
}

/// Sends an automatic reply (a template or retrieval answer). The database refuses it for an
/// escalated ticket.
pub async fn send_automatic(
    pool: &PgPool,
    ticket_id: i64,
    method: &str,
    body: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO responses (ticket_id, method, body, status, delivery, sent_at)
         VALUES ($1, $2, $3, 'sent', 'manual', now()) RETURNING id",
    )
    .bind(ticket_id)
    .bind(method)
    .bind(body)
    .fetch_one(pool)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ResponseRow {
    pub method: String,
    pub body: String,
    pub status: String,
    pub delivery: Option<String>,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    /// How its e-mail went, when it was e-mailed: "sent to …", "queued for …", "failed: …".
    pub email: Option<String>,
}

pub async fn of_ticket(pool: &PgPool, ticket_id: i64) -> sqlx::Result<Vec<ResponseRow>> {
    sqlx::query_as(
        "SELECT r.method, r.body, r.status, r.delivery, u.name AS author, r.created_at,
                CASE m.status
                    WHEN 'sent' THEN 'e-mailed to ' || m.to_address || ' at '
                                     || to_char(m.sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC'
                    WHEN 'dead' THEN 'e-mail to ' || m.to_address || ' failed: ' || m.last_error
                    ELSE 'e-mail to ' || m.to_address || ' queued'
                         || COALESCE(' (' || m.attempts || ' attempts, last: ' || m.last_error || ')', '')
                END AS email
         FROM responses r LEFT JOIN users u ON u.id = r.author_id
         LEFT JOIN emails m ON m.response_id = r.id
         WHERE r.ticket_id = $1 ORDER BY r.id",
    )
    .bind(ticket_id)
    .fetch_all(pool)
    .await
}
