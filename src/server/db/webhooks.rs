//! SQL for outbound webhooks: subscriptions, fanning events out to deliveries, claiming due deliveries, the attempt log, replay.

use crate::domain::webhooks::{DeliveryView, InboundView, SubscriptionView};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{FromRow, PgExecutor, PgPool};
use std::time::Duration;

/// Adds a subscription; returns its id.
pub async fn create(
    db: impl PgExecutor<'_>,
    name: &str,
    url: &str,
    events: &[String],
    secret: &str,
    user_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO webhook_subscriptions (name, url, events, secret, created_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(url)
    .bind(events)
    .bind(secret)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// Every subscription, newest first.
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<SubscriptionView>> {
    sqlx::query_as(
        "SELECT s.id, s.name, s.url, s.events, s.active, s.created_at,
                count(d.id) FILTER (WHERE d.status = 'pending') AS pending,
                count(d.id) FILTER (WHERE d.status = 'delivered') AS delivered,
                count(d.id) FILTER (WHERE d.status = 'dead') AS dead
         FROM webhook_subscriptions s LEFT JOIN webhook_deliveries d ON d.subscription_id = s.id
         GROUP BY s.id ORDER BY s.id DESC",
    )
    .fetch_all(db)
    .await
}

/// Pauses or resumes a subscription; false when there is none with that id.
pub async fn set_active(db: impl PgExecutor<'_>, id: i64, active: bool) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE webhook_subscriptions SET active = $2 WHERE id = $1")
        .bind(id)
        .bind(active)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a subscription and its deliveries; false when there is none with that id.
pub async fn delete(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM webhook_subscriptions WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Creates one delivery per active subscription for up to `limit` events not yet fanned out
/// (only subscriptions that existed when the event happened); returns (events, deliveries).
pub async fn fan_out(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "WITH batch AS (
             SELECT id, kind, created_at FROM events WHERE delivered_at IS NULL
             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED),
         made AS (
             INSERT INTO webhook_deliveries (subscription_id, event_id)
             SELECT s.id, b.id FROM batch b
             JOIN webhook_subscriptions s
               ON s.active AND b.kind = ANY (s.events) AND s.created_at <= b.created_at
             ORDER BY b.id, s.id
             ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING 1),
         marked AS (
             UPDATE events e SET delivered_at = now() FROM batch b WHERE e.id = b.id RETURNING 1)
         SELECT (SELECT count(*) FROM marked), (SELECT count(*) FROM made)",
    )
    .bind(limit)
    .fetch_one(db)
    .await
}

/// A delivery a worker holds, with what it needs to send it.
#[derive(Debug, Clone, FromRow)]
pub struct Due {
    pub id: String,
    /// This attempt's number, from 1.
    pub attempt: i32,
    pub url: String,
    pub secret: String,
    pub event_id: i64,
    pub kind: String,
    pub payload: Value,
    pub occurred_at: DateTime<Utc>,
}

/// Claims up to `limit` due deliveries of active subscriptions for `lease`: counted as an
/// attempt at once, so a worker that dies mid-send leaves them to another after the lease.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease: Duration,
) -> sqlx::Result<Vec<Due>> {
    sqlx::query_as(
        "WITH due AS (
             SELECT d.id FROM webhook_deliveries d
             JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.active
             WHERE d.status = 'pending' AND d.next_attempt_at <= now()
               AND (d.locked_until IS NULL OR d.locked_until < now())
             ORDER BY d.next_attempt_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED)
         UPDATE webhook_deliveries d
         SET attempts = d.attempts + 1, locked_until = now() + make_interval(secs => $2)
         FROM due, webhook_subscriptions s, events e
         WHERE d.id = due.id AND s.id = d.subscription_id AND e.id = d.event_id
         RETURNING d.id, d.attempts AS attempt, s.url, s.secret, e.id AS event_id, e.kind,
                   e.payload, e.created_at AS occurred_at",
    )
    .bind(limit)
    .bind(lease.as_secs_f64())
    .fetch_all(db)
    .await
}

/// What an attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Delivered,
    /// Try again after this long.
    RetryAfter(Duration),
    /// No more attempts: the dead-letter state, until someone replays it.
    Dead,
}

/// One attempt as logged.
#[derive(Debug, Clone, FromRow)]
pub struct Attempt {
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub request_headers: Value,
    pub status_code: Option<i32>,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

/// Logs an attempt of delivery `id` and moves the delivery on as `outcome` says.
pub async fn finish_attempt(
    pool: &PgPool,
    id: &str,
    attempt: &Attempt,
    outcome: Outcome,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms,
                                       request_headers, status_code, response_excerpt, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(attempt.attempt)
    .bind(attempt.started_at)
    .bind(attempt.duration_ms)
    .bind(&attempt.request_headers)
    .bind(attempt.status_code)
    .bind(&attempt.response_excerpt)
    .bind(&attempt.error)
    .execute(&mut *tx)
    .await?;
    let (status, retry_secs) = match outcome {
        Outcome::Delivered => ("delivered", None),
        Outcome::RetryAfter(after) => ("pending", Some(after.as_secs_f64())),
        Outcome::Dead => ("dead", None),
    };
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $2, locked_until = NULL, last_code = $3,
                last_error = $4,
                next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                       ELSE now() + make_interval(secs => $5) END,
                finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END
         WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(attempt.status_code)
    .bind(&attempt.error)
    .bind(retry_secs)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The newest `limit` deliveries, of one status when `status` is some.
pub async fn recent(
    db: impl PgExecutor<'_>,
    status: Option<&str>,
    limit: i64,
) -> sqlx::Result<Vec<DeliveryView>> {
    sqlx::query_as(
        "SELECT d.id, s.name AS subscription, e.kind, e.id AS event_id, d.status, d.attempts,
                d.last_code, d.last_error, d.created_at, d.next_attempt_at
         FROM webhook_deliveries d
         JOIN webhook_subscriptions s ON s.id = d.subscription_id
         JOIN events e ON e.id = d.event_id
         WHERE $1::text IS NULL OR d.status = $1
         ORDER BY d.created_at DESC, d.id LIMIT $2",
    )
    .bind(status)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The attempts of one delivery, oldest first.
pub async fn attempts(db: impl PgExecutor<'_>, id: &str) -> sqlx::Result<Vec<Attempt>> {
    sqlx::query_as(
        "SELECT attempt, started_at, duration_ms, request_headers, status_code, response_excerpt,
                error
         FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(db)
    .await
}

/// Sends a finished (delivered or dead) delivery again, same id, with a fresh set of attempts;
/// false when it is still pending or does not exist.
pub async fn replay(db: impl PgExecutor<'_>, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(),
                locked_until = NULL, finished_at = NULL
         WHERE id = $1 AND status <> 'pending'",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a `webhook.test` event for subscription `id` alone and queues its delivery; returns
/// the delivery id, None when there is no such subscription.
pub async fn send_test(pool: &PgPool, id: i64) -> sqlx::Result<Option<String>> {
    let mut tx = pool.begin().await?;
    let name: Option<String> =
        sqlx::query_scalar("SELECT name FROM webhook_subscriptions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(name) = name else {
        return Ok(None);
    };
    let payload = serde_json::json!({
        "message": "A test event from TicketLens.",
        "subscription": name,
    });
    // Already fanned out: it goes to this subscription only.
    let event: i64 = sqlx::query_scalar(
        "INSERT INTO events (kind, payload, delivered_at) VALUES ('webhook.test', $1, now())
         RETURNING id",
    )
    .bind(&payload)
    .fetch_one(&mut *tx)
    .await?;
    let delivery: String = sqlx::query_scalar(
        "INSERT INTO webhook_deliveries (subscription_id, event_id) VALUES ($1, $2) RETURNING id",
    )
    .bind(id)
    .bind(event)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(delivery))
}

/// Adds an inbound source with its signing secret; false when the name is taken.
pub async fn create_inbound(
    db: impl PgExecutor<'_>,
    source: &str,
    secret: &str,
    user_id: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO inbound_sources (source, secret, created_by) VALUES ($1, $2, $3)
         ON CONFLICT (source) DO NOTHING",
    )
    .bind(source)
    .bind(secret)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every inbound source with its ticket count.
pub async fn inbound(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<InboundView>> {
    sqlx::query_as(
        "SELECT i.source, i.created_at,
                (SELECT count(*) FROM tickets t WHERE t.source = i.source) AS tickets
         FROM inbound_sources i ORDER BY i.source",
    )
    .fetch_all(db)
    .await
}

/// The signing secret of an inbound source.
pub async fn inbound_secret(db: impl PgExecutor<'_>, source: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT secret FROM inbound_sources WHERE source = $1")
        .bind(source)
        .fetch_optional(db)
        .await
}

/// Removes an inbound source (its tickets stay); false when there is none.
pub async fn delete_inbound(db: impl PgExecutor<'_>, source: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM inbound_sources WHERE source = $1")
        .bind(source)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
