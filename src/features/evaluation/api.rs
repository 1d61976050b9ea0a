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
    use crate::server::{auth, jobs, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let choice =
        super::parse_choice(&engine).ok_or_else(|| AppError::Invalid("Unknown engine.".into()))?;
    let state = app_state()?;
    match jobs::runs::start(&state.jobs, set_id, choice, Some(user.id)).await {
        Ok(id) => leptos_axum::redirect(&format!("/evaluation/runs/{id}")),
        Err(e) => back_with_error(&e),
    }
    Ok(())
}

/// Queues training of a local model on a set's train split.
#[server(endpoint = "evaluation/train")]
pub async fn train_model(set_id: i64, features: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, jobs, state::app_state};
    let user = auth::require(Area::Tuning)?;
    if jobs::train::parse_features(&features).is_none() {
        return Err(AppError::Invalid("Unknown feature set.".into()));
    }
    let state = app_state()?;
    match jobs::runs::start_training(&state.jobs, set_id, &features, Some(user.id)).await {
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

/// Makes an engine the one new tickets are scored with. Models and prompt versions qualify only
/// once they have a finished evaluation run.
#[server(endpoint = "evaluation/activate")]
pub async fn activate_engine(engine: String, back: Option<String>) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let choice =
        super::parse_choice(&engine).ok_or_else(|| AppError::Invalid("Unknown engine.".into()))?;
    let state = app_state()?;
    let back = match back.as_deref() {
        Some("/prompts") => "/prompts",
        _ => "/evaluation",
    };
    let options = super::server::engine_options(&state).await?;
    let evaluated = options
        .iter()
        .any(|o| o.value == engine && (o.macro_f1.is_some() || engine == "lexicon"));
    if !evaluated {
        leptos_axum::redirect(&format!(
            "{back}?error={}",
            crate::domain::url::encode(
                "Run an evaluation of this version on a gold set before making it active."
            )
        ));
        return Ok(());
    }
    db::app_settings::set(
        &state.pool,
        db::app_settings::ACTIVE_SENTIMENT,
        &choice,
        Some(user.id),
    )
    .await?;
    tracing::info!(admin = %user.email, engine, "active sentiment engine changed");
    leptos_axum::redirect(&format!(
        "{back}?ok={}",
        crate::domain::url::encode("New tickets are now scored with this engine.")
    ));
    Ok(())
}

/// Creates a labelled set from imported tickets that carry a gold sentiment.
#[server(endpoint = "evaluation/sets/from-tickets")]
pub async fn set_from_tickets(name: String, limit: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(AppError::Invalid(
            "Give the set a name of up to 100 characters.".into(),
        ));
    }
    let pool = &app_state()?.pool;
    let set_id = db::labelled::ensure(pool, name, "tickets", Some(user.id)).await?;
    let added =
        db::labelled::add_from_tickets(pool, set_id, limit.clamp(1, 100_000), Some(user.id))
            .await?;
    leptos_axum::redirect(&format!(
        "/evaluation?ok={}",
        crate::domain::url::encode(&format!("{added} tickets added to {name}."))
    ));
    Ok(())
}

#[cfg(feature = "ssr")]
fn back_with_error(e: &anyhow::Error) {
    tracing::warn!(error = ?e, "evaluation request refused");
    leptos_axum::redirect(&format!(
        "/evaluation?error={}",
        crate::domain::url::encode(&super::server::user_message(e))
    ));
}
