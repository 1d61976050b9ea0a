//! SQL for the event outbox the integrations layer delivers (webhooks, e-mail).

use sqlx::PgExecutor;

/// Records an event once: a second call with the same `dedupe_key` does nothing.
pub async fn record(
    db: impl PgExecutor<'_>,
    kind: &str,
    ticket_id: Option<i64>,
    payload: &serde_json::Value,
    dedupe_key: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO events (kind, ticket_id, payload, dedupe_key) VALUES ($1, $2, $3, $4)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(kind)
    .bind(ticket_id)
    .bind(payload)
    .bind(dedupe_key)
    .execute(db)
    .await
    .map(|_| ())
}

/// How many events of `kind` exist for a ticket.
pub async fn count_for(db: impl PgExecutor<'_>, kind: &str, ticket_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE kind = $1 AND ticket_id = $2")
        .bind(kind)
        .bind(ticket_id)
        .fetch_one(db)
        .await
}
