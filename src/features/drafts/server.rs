//! Builds the reply part of the Ticket page, the acceptance table and the draft settings from the database.

use super::{
    AcceptanceView, DraftSettings, DraftView, PromptVersionView, ReplyAssist, SimilarView,
};
use crate::server::db;
use crate::server::jobs::draft::{self, SIMILAR_K};
use crate::server::llm::LlmClient;
use sqlx::PgPool;

/// None when the ticket does not exist.
pub async fn assist(
    pool: &PgPool,
    ticket_id: i64,
    same_product: bool,
) -> anyhow::Result<Option<ReplyAssist>> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_optional(pool)
        .await?;
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
    let draft = db::drafts::of_ticket(pool, ticket_id)
        .await?
        .map(|d| DraftView {
            id: d.id,
            method: d.method,
            version: d.version.unwrap_or_default(),
            body: d.body,
            original_body: d.original_body,
            status: d.status,
            sources: d.sources.0,
            fallback: d.fallback,
            edit_distance: d.edit_distance,
            reject_reason: d.reject_reason,
            reviewer: d.reviewer,
            created_at: d.created_at,
            reviewed_at: d.reviewed_at,
        });
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

pub async fn acceptance(pool: &PgPool) -> anyhow::Result<Vec<AcceptanceView>> {
    Ok(db::drafts::acceptance(pool)
        .await?
        .into_iter()
        .map(|r| AcceptanceView {
            method: r.method,
            version: r.version,
            drafted: r.drafted,
            pending: r.pending,
            sent_unchanged: r.sent_unchanged,
            sent_edited: r.sent_edited,
            rejected: r.rejected,
            mean_edit_ratio: r.mean_edit_ratio,
            mean_edit_distance: r.mean_edit_distance,
        })
        .collect())
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
