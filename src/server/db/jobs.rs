//! SQL for the job queue: enqueue, claim with `FOR UPDATE SKIP LOCKED`, finish, retry with backoff.

use serde_json::Value;
use sqlx::{FromRow, PgExecutor, Postgres, Transaction};
use std::time::Duration;

/// A job a worker holds.
#[derive(Debug, Clone, FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
}

/// Adds a job; with a `dedupe_key` that is already queued or done, adds nothing and returns None.
pub async fn enqueue(
    db: impl PgExecutor<'_>,
    kind: &str,
    payload: &Value,
    dedupe_key: Option<&str>,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, dedupe_key) VALUES ($1, $2, $3)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(kind)
    .bind(payload)
    .bind(dedupe_key)
    .fetch_optional(db)
    .await
}

const READY: &str = "kind = $1 AND ((status = 'queued' AND run_after <= now())
                      OR (status = 'running' AND locked_until < now()))";

/// Claims up to `limit` ready jobs inside `tx`: they stay locked until the transaction ends, so a
/// worker that dies mid-batch releases them at once and nothing it did is committed.
pub async fn claim_in(
    tx: &mut Transaction<'_, Postgres>,
    kind: &str,
    limit: i64,
) -> sqlx::Result<Vec<Job>> {
    sqlx::query_as(&format!(
        "SELECT id, kind, payload, attempts FROM jobs WHERE {READY}
         ORDER BY run_after, id LIMIT $2 FOR UPDATE SKIP LOCKED"
    ))
    .bind(kind)
    .bind(limit)
    .fetch_all(&mut **tx)
    .await
}

/// Claims one long job under a lease: it is marked running until `lease` passes without a
/// [`heartbeat`]; after that another worker may take it over.
pub async fn claim_leased(
    db: impl PgExecutor<'_>,
    kind: &str,
    lease: Duration,
) -> sqlx::Result<Option<Job>> {
    sqlx::query_as(&format!(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1,
                locked_until = now() + make_interval(secs => $2)
         WHERE id = (SELECT id FROM jobs WHERE {READY}
                     ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id, kind, payload, attempts"
    ))
    .bind(kind)
    .bind(lease.as_secs_f64())
    .fetch_optional(db)
    .await
}

/// Extends the lease of a running job.
pub async fn heartbeat(db: impl PgExecutor<'_>, id: i64, lease: Duration) -> sqlx::Result<()> {
    sqlx::query("UPDATE jobs SET locked_until = now() + make_interval(secs => $2) WHERE id = $1")
        .bind(id)
        .bind(lease.as_secs_f64())
        .execute(db)
        .await
        .map(|_| ())
}

/// Marks jobs done.
pub async fn complete(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'done', finished_at = now(), locked_until = NULL,
                attempts = GREATEST(attempts, 1), last_error = NULL
         WHERE id = ANY($1)",
    )
    .bind(ids)
    .execute(db)
    .await
    .map(|_| ())
}

/// Records a failed attempt: the jobs run again after `base * 2^(attempt - 1)` with jitter, or fail
/// for good once they used all their attempts. Returns how many failed for good.
pub async fn retry_later(
    db: impl PgExecutor<'_>,
    ids: &[i64],
    error: &str,
    base: Duration,
) -> sqlx::Result<u64> {
    let failed: i64 = sqlx::query_scalar(
        "WITH upd AS (
           UPDATE jobs SET attempts = attempts + (status <> 'running')::int,
                  status = CASE WHEN attempts + (status <> 'running')::int >= max_attempts
                                THEN 'failed' ELSE 'queued' END,
                  finished_at = CASE WHEN attempts + (status <> 'running')::int >= max_attempts
                                     THEN now() END,
                  last_error = $2, locked_until = NULL,
                  run_after = now() + make_interval(secs => $3
                      * power(2, LEAST(attempts + (status <> 'running')::int - 1, 10))
                      * (0.5 + random() / 2))
           WHERE id = ANY($1) RETURNING status)
         SELECT count(*) FROM upd WHERE status = 'failed'",
    )
    .bind(ids)
    .bind(error)
    .bind(base.as_secs_f64())
    .fetch_one(db)
    .await?;
    Ok(failed as u64)
}

/// Queues analysis for every ticket without a result (again for done or failed jobs).
pub async fn enqueue_missing_analysis(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key)
         SELECT 'analyse_ticket', jsonb_build_object('ticket_id', t.id), 'analyse_ticket:' || t.id
         FROM tickets t
         WHERE NOT EXISTS (SELECT 1 FROM ticket_analysis a WHERE a.ticket_id = t.id)
         ON CONFLICT (dedupe_key) DO UPDATE
           SET status = 'queued', attempts = 0, run_after = now(), last_error = NULL
           WHERE jobs.status IN ('done', 'failed')",
    )
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// How many jobs of `kind` are in each state.
pub async fn counts(db: impl PgExecutor<'_>, kind: &str) -> sqlx::Result<JobCounts> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE status = 'queued') AS queued,
                count(*) FILTER (WHERE status = 'running') AS running,
                count(*) FILTER (WHERE status = 'done') AS done,
                count(*) FILTER (WHERE status = 'failed') AS failed
         FROM jobs WHERE kind = $1",
    )
    .bind(kind)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, Copy, Default, FromRow, serde::Serialize)]
pub struct JobCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

/// Puts a claimed job back in the queue for `after`, without counting the attempt (it waited
/// for other work; it did not fail).
pub async fn defer(db: impl PgExecutor<'_>, id: i64, after: Duration) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE jobs SET status = 'queued', attempts = GREATEST(attempts - 1, 0),
                locked_until = NULL, run_after = now() + make_interval(secs => $2)
         WHERE id = $1",
    )
    .bind(id)
    .bind(after.as_secs_f64())
    .execute(db)
    .await
    .map(|_| ())
}

/// Queues a job under `dedupe_key` to run after `delay`, or queues the finished one again; while
/// it is still queued or running, a second call changes nothing (so a burst of calls costs one run).
pub async fn enqueue_again(
    db: impl PgExecutor<'_>,
    kind: &str,
    payload: &Value,
    dedupe_key: &str,
    delay: Duration,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key, run_after)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))
         ON CONFLICT (dedupe_key) DO UPDATE
           SET status = 'queued', attempts = 0, last_error = NULL, payload = EXCLUDED.payload,
               run_after = EXCLUDED.run_after
           WHERE jobs.status IN ('done', 'failed')",
    )
    .bind(kind)
    .bind(payload)
    .bind(dedupe_key)
    .bind(delay.as_secs_f64())
    .execute(db)
    .await
    .map(|_| ())
}

/// Queues a `kind` job with `replace: true` for each ticket, once per ticket and latest message
/// (a later message queues another).
pub async fn enqueue_after_latest_message(
    db: impl PgExecutor<'_>,
    kind: &str,
    ticket_ids: &[i64],
) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key)
         SELECT $2, jsonb_build_object('ticket_id', id, 'replace', true),
                $2 || ':' || id || ':after:' || (SELECT max(m.id) FROM messages m
                                                 WHERE m.ticket_id = id)
         FROM unnest($1::bigint[]) id
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(ticket_ids)
    .bind(kind)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Queues a `kind` job for each of `ticket_ids` that is still open and not escalated (drafts:
/// an escalated ticket gets no automatic reply).
pub async fn enqueue_for_open(
    db: impl PgExecutor<'_>,
    kind: &str,
    ticket_ids: &[i64],
) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO jobs (kind, payload, dedupe_key)
         SELECT $2, jsonb_build_object('ticket_id', t.id), $2 || ':' || t.id
         FROM tickets t
         WHERE t.id = ANY($1) AND t.status IN ('open', 'pending')
           AND NOT EXISTS (SELECT 1 FROM escalations e
                           WHERE e.ticket_id = t.id AND e.status <> 'de_escalated')
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(ticket_ids)
    .bind(kind)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}
