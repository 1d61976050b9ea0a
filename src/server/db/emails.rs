//! SQL for the e-mail outbox: queueing replies and notifications, claiming due ones, recording the result on the ticket.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor, Postgres, Transaction};
use std::time::Duration;

/// Queues the e-mail of sent response `response_id` to its ticket's customer, and marks the
/// response as delivered by e-mail; None (nothing queued) when the customer has no address.
pub async fn queue_reply(
    tx: &mut Transaction<'_, Postgres>,
    response_id: i64,
    message_id: &str,
    compose: impl FnOnce(&ReplyContext) -> (String, String),
) -> sqlx::Result<Option<String>> {
    let ctx: Option<ReplyContext> = sqlx::query_as(
        "SELECT t.id AS ticket_id, t.subject, r.body, c.email AS to_address, c.name AS customer_name,
                u.name AS agent_name
         FROM responses r JOIN tickets t ON t.id = r.ticket_id
         JOIN customers c ON c.id = t.customer_id
         LEFT JOIN users u ON u.id = r.author_id
         WHERE r.id = $1 AND c.email LIKE '%_@_%'",
    )
    .bind(response_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(ctx) = ctx else {
        return Ok(None);
    };
    let (subject, body) = compose(&ctx);
    sqlx::query(
        "INSERT INTO emails (kind, ticket_id, response_id, to_address, subject, body, message_id)
         VALUES ('reply', $1, $2, $3, $4, $5, $6) ON CONFLICT (response_id) DO NOTHING",
    )
    .bind(ctx.ticket_id)
    .bind(response_id)
    .bind(&ctx.to_address)
    .bind(&subject)
    .bind(&body)
    .bind(message_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE responses SET delivery = 'email' WHERE id = $1")
        .bind(response_id)
        .execute(&mut **tx)
        .await?;
    Ok(Some(ctx.to_address))
}

/// What a reply e-mail is made from.
#[derive(Debug, Clone, FromRow)]
pub struct ReplyContext {
    pub ticket_id: i64,
    pub subject: String,
    pub body: String,
    pub to_address: String,
    pub customer_name: Option<String>,
    pub agent_name: Option<String>,
}

/// An event the team is told about by e-mail.
#[derive(Debug, Clone, FromRow)]
pub struct NotifyEvent {
    pub id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub payload: serde_json::Value,
    pub subject: Option<String>,
}

/// Escalations and spikes of the last `within` not yet notified.
pub async fn unnotified(
    db: impl PgExecutor<'_>,
    within: Duration,
) -> sqlx::Result<Vec<NotifyEvent>> {
    sqlx::query_as(
        "SELECT e.id, e.kind, e.ticket_id, e.payload, t.subject
         FROM events e LEFT JOIN tickets t ON t.id = e.ticket_id
         WHERE e.kind IN ('escalation.created', 'issue.spike')
           AND e.created_at > now() - make_interval(secs => $1)
           AND NOT EXISTS (SELECT 1 FROM emails m WHERE m.event_id = e.id)
         ORDER BY e.id LIMIT 100",
    )
    .bind(within.as_secs_f64())
    .fetch_all(db)
    .await
}

/// Queues a notification of event `event_id` (once).
pub async fn queue_notification(
    db: impl PgExecutor<'_>,
    event: &NotifyEvent,
    to: &str,
    subject: &str,
    body: &str,
    message_id: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO emails (kind, ticket_id, event_id, to_address, subject, body, message_id)
         VALUES ('notification', $1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(event.ticket_id)
    .bind(event.id)
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(message_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// An e-mail a worker holds.
#[derive(Debug, Clone, FromRow)]
pub struct DueEmail {
    pub id: i64,
    pub attempt: i32,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
}

/// Claims up to `limit` due e-mails for `lease`, counting the attempt.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease: Duration,
) -> sqlx::Result<Vec<DueEmail>> {
    sqlx::query_as(
        "UPDATE emails m SET attempts = m.attempts + 1,
                locked_until = now() + make_interval(secs => $2)
         FROM (SELECT id FROM emails
               WHERE status = 'pending' AND next_attempt_at <= now()
                 AND (locked_until IS NULL OR locked_until < now())
               ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED) due
         WHERE m.id = due.id
         RETURNING m.id, m.attempts AS attempt, m.to_address, m.subject, m.body, m.message_id",
    )
    .bind(limit)
    .bind(lease.as_secs_f64())
    .fetch_all(db)
    .await
}

/// Records an attempt: sent, retried after `retry` (with the error), or dead (with the error).
pub async fn finish(
    db: impl PgExecutor<'_>,
    id: i64,
    error: Option<&str>,
    retry: Option<Duration>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE emails SET locked_until = NULL, last_error = $2,
                status = CASE WHEN $2 IS NULL THEN 'sent'
                              WHEN $3::float8 IS NULL THEN 'dead' ELSE 'pending' END,
                sent_at = CASE WHEN $2 IS NULL THEN now() END,
                next_attempt_at = CASE WHEN $3::float8 IS NULL THEN next_attempt_at
                                       ELSE now() + make_interval(secs => $3) END
         WHERE id = $1",
    )
    .bind(id)
    .bind(error)
    .bind(retry.map(|r| r.as_secs_f64()))
    .execute(db)
    .await
    .map(|_| ())
}

/// An e-mail as the ticket page shows it.
#[derive(Debug, Clone, FromRow)]
pub struct EmailRow {
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The e-mails of a ticket, oldest first.
pub async fn of_ticket(db: impl PgExecutor<'_>, ticket_id: i64) -> sqlx::Result<Vec<EmailRow>> {
    sqlx::query_as(
        "SELECT kind, to_address, subject, status, attempts, last_error, created_at, sent_at
         FROM emails WHERE ticket_id = $1 ORDER BY id",
    )
    .bind(ticket_id)
    .fetch_all(db)
    .await
}
