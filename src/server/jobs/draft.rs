//! The draft job: after analysis, a reply draft for every open ticket that was not escalated, stored once even if the job runs twice, and redrafted when a follow-up outdates it.

use super::{JobContext, RETRY_BASE};
use crate::domain::draft::DraftMethod;
use crate::server::db;
use crate::server::pipeline::respond::{self, thread, Draft, DraftInput, HistoryLine};
use sqlx::PgExecutor;

pub const DRAFT: &str = "draft_reply";
/// The admin's choice of method in `app_settings`.
pub const METHOD_KEY: &str = "draft.method";
/// Tickets per batch.
const BATCH: i64 = 16;
/// Similar resolved tickets looked at per draft.
pub const SIMILAR_K: i64 = 5;
/// The customer's other tickets given to the LLM.
const HISTORY: i64 = 5;

/// Queues a draft for each of `ticket_ids` that is still open and not escalated.
pub async fn enqueue_for(db: impl PgExecutor<'_>, ticket_ids: &[i64]) -> sqlx::Result<u64> {
    crate::server::db::jobs::enqueue_for_open(db, DRAFT, ticket_ids).await
}

/// Queues a new draft for tickets whose pending draft answers an earlier message: one job per
/// ticket and latest message, so a retry queues nothing more.
pub async fn enqueue_redraft(db: impl PgExecutor<'_>, ticket_ids: &[i64]) -> sqlx::Result<u64> {
    db::jobs::enqueue_after_latest_message(db, DRAFT, ticket_ids).await
}

/// The method the admin chose (retrieval until one is chosen).
pub async fn method(db: impl PgExecutor<'_>) -> sqlx::Result<DraftMethod> {
    Ok(db::app_settings::get(db, METHOD_KEY)
        .await?
        .unwrap_or_default())
}

/// Everything a draft of `ticket_id` may use; None when the ticket does not exist.
pub async fn input(
    pool: &sqlx::PgPool,
    ticket_id: i64,
    agent: &str,
) -> anyhow::Result<Option<DraftInput>> {
    let Some(facts) = db::templates::facts(pool, ticket_id).await? else {
        return Ok(None);
    };
    let template = db::templates::for_category(pool, facts.category.as_deref())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no template fits and there is no \"*\" fallback"))?;
    let (body, history) = db::drafts::body_and_history(pool, ticket_id, HISTORY).await?;
    let similar = db::similar::similar(pool, ticket_id, SIMILAR_K, false).await?;
    let messages = db::messages::thread(pool, ticket_id).await?;
    Ok(Some(DraftInput {
        thread: thread::thread_text(&messages, thread::BUDGET),
        latest: thread::latest_customer(&messages).unwrap_or_else(|| body.clone()),
        facts,
        body,
        template,
        similar,
        history: history
            .into_iter()
            .map(|(subject, status, created_at)| HistoryLine {
                subject,
                status,
                created_at,
            })
            .collect(),
        agent: agent.to_string(),
    }))
}

/// Drafts a reply to `ticket_id` by the chosen method, signed by `agent`.
pub async fn draft_for(
    ctx: &JobContext,
    ticket_id: i64,
    agent: &str,
) -> anyhow::Result<Option<Draft>> {
    let Some(input) = input(&ctx.pool, ticket_id, agent).await? else {
        return Ok(None);
    };
    let method = method(&ctx.pool).await?;
    let prompt = match method {
        DraftMethod::Llm => db::prompts::list(&ctx.pool, "draft")
            .await?
            .into_iter()
            .next(),
        _ => None,
    };
    let llm = ctx.llm.as_deref().zip(prompt.as_ref());
    respond::compose(method, llm, &input).await.map(Some)
}

/// Drafts one batch of queued tickets; returns how many jobs it finished. A ticket that cannot be
/// drafted is retried later on its own; the others are stored.
#[tracing::instrument(skip_all)]
pub async fn run_batch(ctx: &JobContext) -> anyhow::Result<usize> {
    let mut tx = ctx.pool.begin().await?;
    let jobs = db::jobs::claim_in(&mut tx, DRAFT, BATCH).await?;
    if jobs.is_empty() {
        return Ok(0);
    }
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for job in &jobs {
        let Some(ticket_id) = job.payload.get("ticket_id").and_then(|v| v.as_i64()) else {
            failed.push((job.id, "job payload has no ticket_id".to_string()));
            continue;
        };
        // A follow-up arrived after the pending draft: the new one replaces it.
        let replace = job.payload.get("replace").and_then(|v| v.as_bool()) == Some(true);
        if db::drafts::escalated(&mut *tx, ticket_id).await? {
            done.push(job.id);
            continue;
        }
        match draft_for(ctx, ticket_id, respond::TEAM_SIGNATURE).await {
            Ok(Some(draft)) => {
                if replace {
                    db::drafts::replace_if_pending(&mut tx, ticket_id, &draft).await?;
                } else {
                    db::drafts::insert(&mut *tx, ticket_id, &draft).await?;
                }
                done.push(job.id);
            }
            Ok(None) => done.push(job.id),
            Err(e) => {
                tracing::error!(error = ?e, ticket_id, "could not draft a reply; will retry");
                failed.push((job.id, format!("{e:#}")));
            }
        }
    }
    db::jobs::complete(&mut *tx, &done).await?;
    tx.commit().await?;
    for (id, error) in &failed {
        db::jobs::retry_later(&ctx.pool, &[*id], error, RETRY_BASE).await?;
    }
    Ok(jobs.len())
}
