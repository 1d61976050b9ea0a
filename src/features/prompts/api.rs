//! Server functions for prompts and few-shot examples; all need the Tuning area (admins).

use super::{PromptsOverview, TryResult};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "prompts")]
pub async fn load_prompts(a: Option<i64>, b: Option<i64>) -> Result<PromptsOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    Ok(super::server::overview(&app_state()?, a.zip(b)).await?)
}

/// Stores a new prompt version (versions are never edited).
#[server(endpoint = "prompts/create")]
pub async fn create_prompt(template: String, note: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, pipeline::sentiment::engine::TASK, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let template = template.trim();
    if template.is_empty() || template.len() > 20_000 {
        return Err(AppError::Invalid(
            "A prompt needs 1 to 20,000 characters.".into(),
        ));
    }
    let (_, version) = db::prompts::insert(
        &app_state()?.pool,
        TASK,
        template,
        note.trim(),
        Some(user.id),
    )
    .await?;
    tracing::info!(admin = %user.email, version, "prompt version created");
    redirect_ok(&format!(
        "Saved prompt version {version}. Evaluate it before making it active."
    ));
    Ok(())
}

/// Adds a few-shot example (from the form, or from a misclassified item of a run).
#[server(endpoint = "prompts/examples/add")]
pub async fn add_example(
    text: String,
    label: String,
    source_run_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::domain::{role::Area, SentimentLabel};
    use crate::server::{auth, db, pipeline::sentiment::engine::TASK, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let label =
        SentimentLabel::parse(&label).ok_or_else(|| AppError::Invalid("Unknown label.".into()))?;
    let text = example_text(&text)?;
    let pool = &app_state()?.pool;
    db::prompts::add_example(
        pool,
        TASK,
        text,
        label.as_str(),
        source_run_id,
        Some(user.id),
    )
    .await?;
    match source_run_id {
        Some(run) => leptos_axum::redirect(&format!(
            "/evaluation/runs/{run}?ok={}",
            crate::domain::url::encode("Added as a few-shot example.")
        )),
        None => redirect_ok("Example added."),
    }
    Ok(())
}

#[server(endpoint = "prompts/examples/edit")]
pub async fn edit_example(id: i64, text: String, label: String) -> Result<(), AppError> {
    use crate::domain::{role::Area, SentimentLabel};
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Tuning)?;
    let label =
        SentimentLabel::parse(&label).ok_or_else(|| AppError::Invalid("Unknown label.".into()))?;
    let text = example_text(&text)?;
    if !db::prompts::edit_example(&app_state()?.pool, id, text, label.as_str()).await? {
        return Err(AppError::NotFound);
    }
    redirect_ok("Example saved.");
    Ok(())
}

#[server(endpoint = "prompts/examples/retire")]
pub async fn retire_example(id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Tuning)?;
    if !db::prompts::retire_example(&app_state()?.pool, id).await? {
        return Err(AppError::NotFound);
    }
    redirect_ok("Example retired.");
    Ok(())
}

/// Runs a prompt version on one text and shows the raw request and reply.
#[server(endpoint = "prompts/try")]
pub async fn try_prompt(prompt_id: Option<i64>, text: String) -> Result<TryResult, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    let text = text.trim().to_string();
    if text.is_empty() || text.len() > 10_000 {
        return Err(AppError::Invalid(
            "Paste 1 to 10,000 characters to try.".into(),
        ));
    }
    Ok(super::server::try_prompt(&app_state()?, prompt_id, text).await?)
}

/// A few-shot example's text, trimmed, or why it is refused.
#[cfg(feature = "ssr")]
fn example_text(text: &str) -> Result<&str, AppError> {
    let text = text.trim();
    if text.is_empty() || text.len() > 5_000 {
        return Err(AppError::Invalid(
            "An example needs 1 to 5,000 characters.".into(),
        ));
    }
    Ok(text)
}

#[cfg(feature = "ssr")]
fn redirect_ok(message: &str) {
    leptos_axum::redirect(&format!(
        "/prompts?ok={}",
        crate::domain::url::encode(message)
    ));
}
