//! Server functions for the Evaluation area; reads need Evaluation, changes need Tuning (admins).

use super::{Comparison, EvaluationOverview, RunDetail};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "evaluation")]
pub async fn load_evaluation() -> Result<EvaluationOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Evaluation)?;
    let state = app_state()?;
    Ok(super::server::overview(&state, Area::Tuning.allows(user.role)).await?)
}

/// The latest tuning's progress, and whether the viewer may cancel it.
#[server(endpoint = "evaluation/training")]
pub async fn load_training(
) -> Result<(Option<crate::domain::training::TrainingProgress>, bool), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Evaluation)?;
    let progress = db::training::progress(&app_state()?.pool).await?;
    Ok((progress, Area::Tuning.allows(user.role)))
}

#[server(endpoint = "evaluation/run")]
pub async fn load_run(id: i64) -> Result<RunDetail, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Evaluation)?;
    let state = app_state()?;
    super::server::run_detail(&state.pool, id, Area::Tuning.allows(user.role))
        .await?
        .ok_or(AppError::NotFound)
}

#[server(endpoint = "evaluation/compare")]
pub async fn compare_runs(a: i64, b: i64) -> Result<Comparison, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Evaluation)?;
    let state = app_state()?;
    super::server::compare::compare(&state.pool, a, b)
        .await?
        .ok_or(AppError::NotFound)
}

/// Queues an evaluation run and opens its page.
#[server(endpoint = "evaluation/start")]
pub async fn start_run(set_id: i64, engine: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::start_run(&app_state()?, &user, set_id, engine).await
}

/// Queues training of a local model on a set's train split.
#[server(endpoint = "evaluation/train")]
pub async fn train_model(
    set_id: i64,
    features: String,
    pairs: Option<String>,
    curve: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let curve = curve.as_deref() == Some("true");
    super::server::training::train_model(&app_state()?, &user, set_id, features, pairs, curve).await
}

/// Asks the running tuning job to stop at its next step.
#[server(endpoint = "evaluation/train/cancel")]
pub async fn cancel_training(job_id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::training::cancel_training(&app_state()?, &user, job_id).await
}

/// Makes an engine the one new tickets are scored with. Models and prompt versions qualify only
/// once they have a finished evaluation run. One worse than the active engine on a gold set
/// both were evaluated on needs `force` ("true").
#[server(endpoint = "evaluation/activate")]
pub async fn activate_engine(
    engine: String,
    back: Option<String>,
    force: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let force = force.as_deref() == Some("true");
    super::server::activate_engine(&app_state()?, &user, engine, back, force).await
}

/// Creates a labelled set from imported tickets that carry a gold sentiment.
#[server(endpoint = "evaluation/sets/from-tickets")]
pub async fn set_from_tickets(name: String, limit: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::set_from_tickets(&app_state()?, &user, name, limit).await
}
