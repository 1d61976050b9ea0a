//! SQL for evaluation runs and their stored predictions.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

#[derive(Debug, Clone, FromRow)]
pub struct RunRow {
    pub id: i64,
    pub set_id: i64,
    pub set_name: String,
    pub engine: String,
    pub engine_version: String,
    pub model_id: Option<i64>,
    pub prompt_id: Option<i64>,
    pub status: String,
    pub total: i32,
    pub completed: i32,
    pub metrics: Option<serde_json::Value>,
    /// The same figures on the set's follow-up messages alone, when it has any.
    pub follow_up_metrics: Option<serde_json::Value>,
    pub latency_ms: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub fallbacks: i32,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "r.id, r.set_id, s.name AS set_name, r.engine, r.engine_version, r.model_id,
    r.prompt_id, r.status, r.total, r.completed, r.metrics, r.follow_up_metrics, r.latency_ms,
    r.prompt_tokens,
    r.completion_tokens, r.fallbacks, r.error, r.created_at, r.finished_at";

pub struct NewRun<'a> {
    pub set_id: i64,
    pub engine: &'a str,
    pub engine_version: &'a str,
    pub model_id: Option<i64>,
    pub prompt_id: Option<i64>,
    pub examples_hash: Option<&'a str>,
    pub total: i32,
    pub user_id: Option<i64>,
}

pub async fn insert(db: impl PgExecutor<'_>, r: NewRun<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO evaluation_runs (set_id, engine, engine_version, model_id, prompt_id,
                                      examples_hash, total, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(r.set_id)
    .bind(r.engine)
    .bind(r.engine_version)
    .bind(r.model_id)
    .bind(r.prompt_id)
    .bind(r.examples_hash)
    .bind(r.total)
    .bind(r.user_id)
    .fetch_one(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<RunRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM evaluation_runs r JOIN labelled_sets s ON s.id = r.set_id
         ORDER BY r.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<RunRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM evaluation_runs r JOIN labelled_sets s ON s.id = r.set_id
         WHERE r.id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Item ids already predicted in a run (a restarted run skips them).
pub async fn predicted_ids(db: impl PgExecutor<'_>, run_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar("SELECT item_id FROM evaluation_predictions WHERE run_id = $1")
        .bind(run_id)
        .fetch_all(db)
        .await
}

/// Work done for one chunk of a run: its predictions and what they cost.
pub struct Chunk<'a> {
    pub item_ids: &'a [i64],
    pub gold: &'a [&'a str],
    pub predicted: &'a [&'a str],
    pub scores: &'a [f32],
    pub latency_ms: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub fallbacks: i32,
    /// An LLM's reasons, one per item (None for other engines).
    pub reasons: &'a [Option<String>],
}

/// Stores a chunk's predictions and advances the run's progress in one statement.
pub async fn store_chunk(db: impl PgExecutor<'_>, run_id: i64, c: Chunk<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "WITH ins AS (
           INSERT INTO evaluation_predictions (run_id, item_id, gold, predicted, score, reason)
           SELECT $1, * FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::real[], $10::text[])
           ON CONFLICT DO NOTHING RETURNING 1)
         UPDATE evaluation_runs SET status = 'running',
                completed = completed + (SELECT count(*) FROM ins),
                latency_ms = latency_ms + $6, prompt_tokens = prompt_tokens + $7,
                completion_tokens = completion_tokens + $8, fallbacks = fallbacks + $9
         WHERE id = $1",
    )
    .bind(run_id)
    .bind(c.item_ids)
    .bind(c.gold)
    .bind(c.predicted)
    .bind(c.scores)
    .bind(c.latency_ms)
    .bind(c.prompt_tokens)
    .bind(c.completion_tokens)
    .bind(c.fallbacks)
    .bind(c.reasons)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn finish(
    db: impl PgExecutor<'_>,
    run_id: i64,
    metrics: Option<&serde_json::Value>,
    error: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE evaluation_runs SET metrics = $2, error = $3, finished_at = now(),
                status = CASE WHEN $3::text IS NULL THEN 'done' ELSE 'failed' END
         WHERE id = $1",
    )
    .bind(run_id)
    .bind(metrics)
    .bind(error)
    .execute(db)
    .await
    .map(|_| ())
}

/// Stores a run's figures on its follow-up items.
pub async fn set_follow_up_metrics(
    db: impl PgExecutor<'_>,
    run_id: i64,
    metrics: &serde_json::Value,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE evaluation_runs SET follow_up_metrics = $2 WHERE id = $1")
        .bind(run_id)
        .bind(metrics)
        .execute(db)
        .await
        .map(|_| ())
}

#[derive(Debug, Clone, FromRow)]
pub struct PredictionRow {
    pub item_id: i64,
    pub text: String,
    pub gold: String,
    pub predicted: String,
    pub score: f32,
    /// The item is a later customer message of a ticket.
    pub follow_up: bool,
    pub reason: Option<String>,
}

/// Every prediction of a run, with the item's text, in item order.
pub async fn predictions(db: impl PgExecutor<'_>, run_id: i64) -> sqlx::Result<Vec<PredictionRow>> {
    sqlx::query_as(
        "SELECT p.item_id, i.text, p.gold, p.predicted, p.score,
                i.message_id IS NOT NULL AS follow_up, p.reason
         FROM evaluation_predictions p JOIN labelled_items i ON i.id = p.item_id
         WHERE p.run_id = $1 ORDER BY p.item_id",
    )
    .bind(run_id)
    .fetch_all(db)
    .await
}

/// The best macro-F1 among finished runs of a prompt version (shown beside "Make active").
pub async fn prompt_f1(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, f64, i64)>> {
    sqlx::query_as(
        "SELECT DISTINCT ON (prompt_id) prompt_id, (metrics->>'macro_f1')::float8, id
         FROM evaluation_runs
         WHERE prompt_id IS NOT NULL AND status = 'done' AND metrics IS NOT NULL
         ORDER BY prompt_id, (metrics->>'macro_f1')::float8 DESC",
    )
    .fetch_all(db)
    .await
}
