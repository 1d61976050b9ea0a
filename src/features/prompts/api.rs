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
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::create_prompt(&app_state()?, &user, template, note).await
}

/// Adds a few-shot example (from the form, or from a misclassified item of a run).
#[server(endpoint = "prompts/examples/add")]
pub async fn add_example(
    text: String,
    label: String,
    source_run_id: Option<i64>,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::add_example(&app_state()?, &user, text, label, source_run_id).await
}

#[server(endpoint = "prompts/examples/edit")]
pub async fn edit_example(id: i64, text: String, label: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    super::server::edit_example(&app_state()?, id, text, label).await
}

#[server(endpoint = "prompts/examples/retire")]
pub async fn retire_example(id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Tuning)?;
    if !db::prompts::retire_example(&app_state()?.pool, id).await? {
        return Err(AppError::NotFound);
    }
    super::server::redirect_ok("Example retired.");
    Ok(())
}

/// Runs a prompt version on one text and shows the raw request and reply.
#[server(endpoint = "prompts/try")]
pub async fn try_prompt(prompt_id: Option<i64>, text: String) -> Result<TryResult, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    let text =
        AppError::check_text(&text, 10_000, "Paste 1 to 10,000 characters to try.")?.to_string();
    Ok(super::server::try_prompt(&app_state()?, prompt_id, text).await?)
}
