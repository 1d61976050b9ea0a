//! SQL for a tuning job's progress and cancel request (kept in `app_settings`), and whether one is already queued.

use super::app_settings;
use crate::domain::training::TrainingProgress;
use sqlx::PgExecutor;

/// The latest tuning job's progress.
const PROGRESS: &str = "sentiment.training";
/// The id of the tuning job an admin asked to cancel.
const CANCEL: &str = "sentiment.training.cancel";

pub async fn progress(db: impl PgExecutor<'_>) -> sqlx::Result<Option<TrainingProgress>> {
    app_settings::get(db, PROGRESS).await
}

pub async fn set_progress(db: impl PgExecutor<'_>, p: &TrainingProgress) -> sqlx::Result<()> {
    app_settings::set(db, PROGRESS, p, None).await
}

/// Asks tuning job `job_id` to stop at its next step.
pub async fn request_cancel(
    db: impl PgExecutor<'_>,
    job_id: i64,
    user_id: i64,
) -> sqlx::Result<()> {
    app_settings::set(db, CANCEL, &job_id, Some(user_id)).await
}

/// Whether an admin asked job `job_id` to stop.
pub async fn cancel_requested(db: impl PgExecutor<'_>, job_id: i64) -> sqlx::Result<bool> {
    Ok(app_settings::get::<i64>(db, CANCEL).await? == Some(job_id))
}

/// Serialises the check-and-queue of new tunings until `tx` ends.
pub async fn lock_starts(tx: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('sentiment.training.start'))")
        .execute(tx)
        .await
        .map(|_| ())
}

/// Whether a tuning job of kind `kind` is queued or running.
pub async fn tuning_pending(db: impl PgExecutor<'_>, kind: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND payload->>'features' = 'tuned'
                          AND status IN ('queued', 'running'))",
    )
    .bind(kind)
    .fetch_one(db)
    .await
}
