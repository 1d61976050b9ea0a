//! Starting and cancelling the training of a local sentiment model.

use super::back_with_error;
use crate::domain::role::CurrentUser;
use crate::domain::training::TrainingState;
use crate::error::AppError;
use crate::server::state::AppState;
use crate::server::{db, jobs};

/// Queues training of a local model on a set's train split.
pub async fn train_model(
    state: &AppState,
    user: &CurrentUser,
    set_id: i64,
    features: String,
    pairs: Option<String>,
    curve: bool,
) -> Result<(), AppError> {
    let pairs = match pairs.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match p.parse::<usize>() {
            Ok(n) if (10..=100_000).contains(&n) => Some(n),
            _ => {
                back_with_error(&anyhow::anyhow!(
                    "tuning pairs must be a whole number from 10 to 100,000"
                ));
                return Ok(());
            }
        },
    };
    if features != jobs::train::TUNED && jobs::train::parse_features(&features).is_none() {
        return Err(AppError::Invalid("Unknown feature set.".into()));
    }
    let queued =
        jobs::runs::start_training(&state.jobs, set_id, &features, pairs, curve, Some(user.id));
    match queued.await {
        Ok(_) => leptos_axum::redirect(&format!(
            "/evaluation?ok={}",
            crate::domain::url::encode(
                "Training queued: the model and its evaluation run appear here when done."
            )
        )),
        Err(e) => back_with_error(&e),
    }
    Ok(())
}

/// Asks tuning job `job_id` to stop; it stops within a step or two and stores nothing.
pub async fn cancel_training(
    state: &AppState,
    user: &CurrentUser,
    job_id: i64,
) -> Result<(), AppError> {
    let running = db::training::progress(&state.pool)
        .await?
        .is_some_and(|p| p.job_id == job_id && p.state == TrainingState::Running);
    if !running {
        back_with_error(&anyhow::anyhow!("that tuning is no longer running"));
        return Ok(());
    }
    db::training::request_cancel(&state.pool, job_id, user.id).await?;
    tracing::info!(admin = %user.email, job_id, "tuning cancel requested");
    leptos_axum::redirect(&format!(
        "/evaluation?ok={}",
        crate::domain::url::encode("The tuning stops at its next step; nothing is stored.")
    ));
    Ok(())
}
