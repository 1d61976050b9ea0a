//! Server functions for drafts: load the reply part of a ticket, send, reject or redraft, acceptance, settings.

use super::{Acceptance, DraftSettings, ReplyAssist};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "drafts/assist")]
pub async fn load_assist(ticket_id: i64, same_product: bool) -> Result<ReplyAssist, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tickets)?;
    let state = app_state()?;
    super::server::assist(&state.pool, ticket_id, same_product)
        .await?
        .ok_or_else(|| AppError::NotFound.respond())
}

/// Sends the draft as the agent edited it; the edit distance from the generated text is kept.
#[server(endpoint = "drafts/send")]
pub async fn send_draft(ticket_id: i64, draft_id: i64, body: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tickets)?;
    super::server::send_draft(&app_state()?, &user, ticket_id, draft_id, body).await
}

#[server(endpoint = "drafts/reject")]
pub async fn reject_draft(ticket_id: i64, draft_id: i64, reason: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tickets)?;
    super::server::reject_draft(&app_state()?, &user, ticket_id, draft_id, reason).await
}

/// Replaces the pending draft with a new one by the current method, signed by the agent.
#[server(endpoint = "drafts/redraft")]
pub async fn redraft(ticket_id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tickets)?;
    super::server::redraft(&app_state()?, &user, ticket_id).await
}

#[server(endpoint = "drafts/acceptance")]
pub async fn load_acceptance() -> Result<Vec<Acceptance>, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Evaluation)?;
    Ok(super::server::acceptance(&app_state()?.pool).await?)
}

#[server(endpoint = "drafts/settings")]
pub async fn load_draft_settings() -> Result<DraftSettings, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    let state = app_state()?;
    Ok(super::server::settings(&state.pool, state.jobs.llm.as_deref()).await?)
}

#[server(endpoint = "drafts/method")]
pub async fn set_draft_method(method: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::set_draft_method(&app_state()?, &user, method).await
}

/// Saves a new version of the draft prompt; it is used from the next draft on.
#[server(endpoint = "drafts/prompt")]
pub async fn save_draft_prompt(template: String, note: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::save_draft_prompt(&app_state()?, &user, template, note).await
}
