//! Server functions for drafts: load the reply part of a ticket, send, reject or redraft, acceptance, settings.

use super::{AcceptanceView, DraftSettings, ReplyAssist};
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
    use crate::server::db::drafts::Review;
    use crate::server::{auth, pipeline::respond::send, state::app_state};
    let user = auth::require(Area::Tickets)?;
    let body = body.trim();
    if body.is_empty() || body.len() > 20_000 {
        return Err(AppError::Invalid("A reply needs 1 to 20,000 characters.".into()).respond());
    }
    let state = app_state()?;
    let email = state.settings.mail.as_ref().map(|m| m.message_id());
    match send::send_draft(
        &state.pool,
        ticket_id,
        draft_id,
        user.id,
        body,
        email.as_deref(),
    )
    .await?
    {
        Review::Done(to) => {
            tracing::info!(user = %user.email, ticket_id, draft_id, "draft sent");
            done(
                ticket_id,
                &send::sent_message(email.is_some(), to.as_deref()),
            );
            Ok(())
        }
        Review::NotPending => Err(AppError::Invalid(
            "This draft was already sent or rejected; reload the ticket.".into(),
        )
        .respond()),
    }
}

#[server(endpoint = "drafts/reject")]
pub async fn reject_draft(ticket_id: i64, draft_id: i64, reason: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::db::drafts::{self, Review};
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tickets)?;
    let reason = reason.trim();
    if reason.is_empty() || reason.len() > 500 {
        return Err(AppError::Invalid("Say why in 1 to 500 characters.".into()).respond());
    }
    match drafts::reject(&app_state()?.pool, ticket_id, draft_id, user.id, reason).await? {
        Review::Done(_) => {
            done(ticket_id, "Draft rejected.");
            Ok(())
        }
        Review::NotPending => Err(AppError::Invalid(
            "This draft was already sent or rejected; reload the ticket.".into(),
        )
        .respond()),
    }
}

/// Replaces the pending draft with a new one by the current method, signed by the agent.
#[server(endpoint = "drafts/redraft")]
pub async fn redraft(ticket_id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, jobs::draft, state::app_state};
    let user = auth::require(Area::Tickets)?;
    let state = app_state()?;
    if db::drafts::escalated(&state.pool, ticket_id).await? {
        return Err(AppError::Invalid(
            "This ticket is escalated: write the reply yourself in the escalation panel.".into(),
        )
        .respond());
    }
    let Some(new) = draft::draft_for(&state.jobs, ticket_id, &user.name).await? else {
        return Err(AppError::NotFound.respond());
    };
    db::drafts::replace_pending(&state.pool, ticket_id, &new).await?;
    done(ticket_id, "New draft ready.");
    Ok(())
}

#[server(endpoint = "drafts/acceptance")]
pub async fn load_acceptance() -> Result<Vec<AcceptanceView>, AppError> {
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
    use crate::domain::{draft::DraftMethod, role::Area};
    use crate::server::{auth, db, jobs::draft::METHOD_KEY, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let method = DraftMethod::parse(&method)
        .ok_or_else(|| AppError::Invalid("Unknown draft method.".into()).respond())?;
    db::app_settings::set(&app_state()?.pool, METHOD_KEY, &method, Some(user.id)).await?;
    tracing::info!(user = %user.email, %method, "draft method chosen");
    leptos_axum::redirect(&format!(
        "/templates?at={}#drafts",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}

/// Saves a new version of the draft prompt; it is used from the next draft on.
#[server(endpoint = "drafts/prompt")]
pub async fn save_draft_prompt(template: String, note: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let template = template.trim();
    if template.is_empty() || template.len() > 20_000 {
        return Err(AppError::Invalid("A prompt needs 1 to 20,000 characters.".into()).respond());
    }
    if !template.contains("{{body}}") {
        return Err(AppError::Invalid(
            "The prompt must include {{body}}, or the model never sees the ticket.".into(),
        )
        .respond());
    }
    let (_, version) = db::prompts::insert(
        &app_state()?.pool,
        "draft",
        template,
        note.trim(),
        Some(user.id),
    )
    .await?;
    tracing::info!(user = %user.email, version, "draft prompt saved");
    leptos_axum::redirect(&format!(
        "/templates?at={}#drafts",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}

#[cfg(feature = "ssr")]
fn done(ticket_id: i64, message: &str) {
    let message = crate::domain::url::encode(message);
    let stamp = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!(
        "/tickets/{ticket_id}?reply_ok={message}&at={stamp}#reply"
    ));
}
