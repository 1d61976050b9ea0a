//! Builds the reply part of the Ticket page, the acceptance table and the draft settings from the database.

use super::{Acceptance, DraftSettings, PromptVersionView, ReplyAssist, SimilarView};
use crate::domain::draft::DraftMethod;
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::drafts::{self, Review};
use crate::server::jobs::draft::{self, METHOD_KEY, SIMILAR_K};
use crate::server::llm::LlmClient;
use crate::server::pipeline::respond::send;
use crate::server::state::AppState;
use sqlx::PgPool;

/// None when the ticket does not exist.
pub async fn assist(
    pool: &PgPool,
    ticket_id: i64,
    same_product: bool,
) -> anyhow::Result<Option<ReplyAssist>> {
    let status = db::tickets::status(pool, ticket_id).await?;
    let Some(status) = status else {
        return Ok(None);
    };
    let similar = db::similar::similar(pool, ticket_id, SIMILAR_K, same_product)
        .await?
        .into_iter()
        .map(|s| SimilarView {
            id: s.id,
            subject: s.subject,
            product: s.product,
            similarity: s.similarity as f32,
            reply: s.reply,
            csat: s.csat,
        })
        .collect();
    let draft = db::drafts::of_ticket(pool, ticket_id).await?;
    let no_draft = if draft.is_some() {
        None
    } else if db::drafts::escalated(pool, ticket_id).await? {
        Some(
            "Escalated tickets get no automatic draft: an agent answers them from the inbox."
                .into(),
        )
    } else if !matches!(status.as_str(), "open" | "pending") {
        Some(format!(
            "The ticket is {status}; only open tickets are drafted."
        ))
    } else {
        Some("No draft yet: it is written once the ticket is analysed.".into())
    };
    Ok(Some(ReplyAssist {
        ticket_id,
        same_product,
        similar,
        draft,
        no_draft,
        method: draft::method(pool).await?.to_string(),
    }))
}

pub async fn acceptance(pool: &PgPool) -> anyhow::Result<Vec<Acceptance>> {
    Ok(db::drafts::acceptance(pool).await?)
}

pub async fn settings(pool: &PgPool, llm: Option<&LlmClient>) -> anyhow::Result<DraftSettings> {
    Ok(DraftSettings {
        method: draft::method(pool).await?.to_string(),
        llm: llm.map(LlmClient::describe),
        prompts: db::prompts::list(pool, "draft")
            .await?
            .into_iter()
            .map(|p| PromptVersionView {
                id: p.id,
                version: p.version,
                template: p.template,
                note: p.note,
                created_at: p.created_at,
            })
            .collect(),
    })
}

/// Sends the draft as the agent edited it; the edit distance from the generated text is kept.
pub async fn send_draft(
    state: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    draft_id: i64,
    body: String,
) -> Result<(), AppError> {
    let body = AppError::check_text(&body, 20_000, "A reply needs 1 to 20,000 characters.")?;
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

/// Rejects a pending draft with the agent's reason; a draft already sent or rejected is refused.
pub async fn reject_draft(
    state: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    draft_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let reason = AppError::check_text(&reason, 500, "Say why in 1 to 500 characters.")?;
    match drafts::reject(&state.pool, ticket_id, draft_id, user.id, reason).await? {
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
pub async fn redraft(state: &AppState, user: &CurrentUser, ticket_id: i64) -> Result<(), AppError> {
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

/// Chooses how new drafts are written: template, retrieval or LLM.
pub async fn set_draft_method(
    state: &AppState,
    user: &CurrentUser,
    method: String,
) -> Result<(), AppError> {
    let method = DraftMethod::parse(&method)
        .ok_or_else(|| AppError::Invalid("Unknown draft method.".into()).respond())?;
    db::app_settings::set(&state.pool, METHOD_KEY, &method, Some(user.id)).await?;
    tracing::info!(user = %user.email, %method, "draft method chosen");
    leptos_axum::redirect(&format!(
        "/templates?at={}#drafts",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}

/// Saves a new version of the draft prompt; it is used from the next draft on.
pub async fn save_draft_prompt(
    state: &AppState,
    user: &CurrentUser,
    template: String,
    note: String,
) -> Result<(), AppError> {
    let template =
        AppError::check_text(&template, 20_000, "A prompt needs 1 to 20,000 characters.")?;
    if !template.contains("{{body}}") {
        return Err(AppError::Invalid(
            "The prompt must include {{body}}, or the model never sees the ticket.".into(),
        )
        .respond());
    }
    let (_, version) =
        db::prompts::insert(&state.pool, "draft", template, note.trim(), Some(user.id)).await?;
    tracing::info!(user = %user.email, version, "draft prompt saved");
    leptos_axum::redirect(&format!(
        "/templates?at={}#drafts",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}

fn done(ticket_id: i64, message: &str) {
    let message = crate::domain::url::encode(message);
    let stamp = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!(
        "/tickets/{ticket_id}?reply_ok={message}&at={stamp}#reply"
    ));
}
