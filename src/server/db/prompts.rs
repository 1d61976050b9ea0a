//! SQL for prompt versions (immutable) and few-shot examples (added, edited, retired).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

#[derive(Debug, Clone, FromRow)]
pub struct PromptRow {
    pub id: i64,
    pub version: i32,
    pub template: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// Adds a new version of the task's prompt; returns (id, version).
pub async fn insert(
    db: impl PgExecutor<'_>,
    task: &str,
    template: &str,
    note: &str,
    user_id: Option<i64>,
) -> sqlx::Result<(i64, i32)> {
    sqlx::query_as(
        "INSERT INTO prompts (task, version, template, note, created_by)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4 FROM prompts WHERE task = $1
         RETURNING id, version",
    )
    .bind(task)
    .bind(template)
    .bind(note)
    .bind(user_id)
    .fetch_one(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>, task: &str) -> sqlx::Result<Vec<PromptRow>> {
    sqlx::query_as(
        "SELECT id, version, template, note, created_at FROM prompts WHERE task = $1
         ORDER BY version DESC",
    )
    .bind(task)
    .fetch_all(db)
    .await
}

/// Prompt `id` of `task` (a draft prompt is not a sentiment prompt).
pub async fn get(db: impl PgExecutor<'_>, task: &str, id: i64) -> sqlx::Result<Option<PromptRow>> {
    sqlx::query_as(
        "SELECT id, version, template, note, created_at FROM prompts WHERE id = $1 AND task = $2",
    )
    .bind(id)
    .bind(task)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ExampleRow {
    pub id: i64,
    pub text: String,
    pub label: String,
    pub source_run_id: Option<i64>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// Every example of the task, active ones first.
pub async fn examples(db: impl PgExecutor<'_>, task: &str) -> sqlx::Result<Vec<ExampleRow>> {
    sqlx::query_as(
        "SELECT id, text, label, source_run_id, retired_at FROM few_shot_examples
         WHERE task = $1 ORDER BY retired_at IS NOT NULL, id",
    )
    .bind(task)
    .fetch_all(db)
    .await
}

pub async fn add_example(
    db: impl PgExecutor<'_>,
    task: &str,
    text: &str,
    label: &str,
    source_run_id: Option<i64>,
    user_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO few_shot_examples (task, text, label, source_run_id, created_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(task)
    .bind(text)
    .bind(label)
    .bind(source_run_id)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// Changes an active example; returns false when it does not exist or is retired.
pub async fn edit_example(
    db: impl PgExecutor<'_>,
    id: i64,
    text: &str,
    label: &str,
) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE few_shot_examples SET text = $2, label = $3, updated_at = now()
         WHERE id = $1 AND retired_at IS NULL",
    )
    .bind(id)
    .bind(text)
    .bind(label)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}

pub async fn retire_example(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<bool> {
    sqlx::query(
        "UPDATE few_shot_examples SET retired_at = now() WHERE id = $1 AND retired_at IS NULL",
    )
    .bind(id)
    .execute(db)
    .await
    .map(|r| r.rows_affected() == 1)
}
