//! Rescoring stored sentiment after an activation: every ticket and follow-up of another version, newest first, in resumable pages.

use super::JobContext;
use crate::server::db;
use crate::server::db::rescore::{Progress, Rescored, Stale};
use crate::server::pipeline::sentiment::engine::{self, Engine};

/// The job kind, queued on every activation.
pub const RESCORE: &str = "rescore";
/// Texts scored per page (one transaction each).
const PAGE: i64 = 256;

/// Queues a rescore with whatever engine is active when it runs.
pub async fn enqueue(db: impl sqlx::PgExecutor<'_>) -> sqlx::Result<()> {
    let key = format!("rescore:{}", chrono::Utc::now().timestamp_millis());
    db::jobs::enqueue(db, RESCORE, &serde_json::json!({}), Some(&key))
        .await
        .map(|_| ())
}

/// Rescores with the active engine; returns how many texts it scored. Stops early when an admin
/// activates yet another engine (that activation queued its own rescore).
#[tracing::instrument(skip_all)]
pub async fn run(ctx: &JobContext) -> anyhow::Result<i64> {
    let choice = engine::active_choice(&ctx.pool).await?;
    let engine = engine::load(&ctx.pool, choice, ctx.llm.clone(), ctx.embedder.config()).await?;
    let version = engine.version();
    let total = db::rescore::stale_count(&ctx.pool, &version).await?;
    let mut progress = Progress {
        version: version.clone(),
        done: 0,
        total,
        finished: false,
    };
    db::rescore::set_progress(&ctx.pool, &progress).await?;
    // A second pass picks up what analysis batches still in flight at activation wrote with the
    // old engine after the first pass went by (rows the engine itself leaves on another
    // version, such as an LLM's fallback, are not chased further).
    for messages in [false, true, false, true] {
        let mut after = None;
        loop {
            if engine::active_choice(&ctx.pool).await? != choice {
                tracing::info!(version, "another engine was activated; rescore stops");
                return Ok(progress.done);
            }
            let page = if messages {
                db::rescore::stale_messages(&ctx.pool, &version, after, PAGE).await?
            } else {
                db::rescore::stale_tickets(&ctx.pool, &version, after, PAGE).await?
            };
            let Some(last) = page.last() else { break };
            after = Some((
                last.created_at,
                last.ticket_id,
                last.message_id.unwrap_or(0),
            ));
            let rows = score(ctx, &engine, &page).await?;
            progress.done += rows.len() as i64;
            progress.total = progress.total.max(progress.done);
            let mut tx = ctx.pool.begin().await?;
            if messages {
                let mut tickets: Vec<i64> = page.iter().map(|s| s.ticket_id).collect();
                tickets.sort_unstable();
                tickets.dedup();
                db::rescore::store_messages(&mut tx, &rows, &tickets).await?;
            } else {
                db::rescore::store_tickets(&mut tx, &rows).await?;
            }
            db::rescore::set_progress(&mut *tx, &progress).await?;
            tx.commit().await?;
        }
    }
    progress.finished = true;
    db::rescore::set_progress(&ctx.pool, &progress).await?;
    tracing::info!(version, texts = progress.done, "stored sentiment rescored");
    Ok(progress.done)
}

/// Scores a page; texts without a stored embedding get one when the engine reads embeddings.
async fn score(ctx: &JobContext, engine: &Engine, page: &[Stale]) -> anyhow::Result<Vec<Rescored>> {
    let texts: Vec<String> = page.iter().map(|s| s.text.clone()).collect();
    let embeddings = if engine.needs_embeddings() {
        let missing: Vec<String> = page
            .iter()
            .filter(|s| s.embedding.is_none())
            .map(|s| s.text.clone())
            .collect();
        let mut fresh = super::embed(&ctx.embedder, missing).await?.into_iter();
        page.iter()
            .map(|s| match &s.embedding {
                Some(v) => v.to_vec(),
                None => fresh.next().unwrap_or_default(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let (scored, _cost) = engine.score(&texts, &embeddings).await?;
    Ok(page
        .iter()
        .zip(scored)
        .map(|(s, r)| Rescored {
            id: s.message_id.unwrap_or(s.ticket_id),
            was: s.version.clone(),
            label: r.sentiment.label.as_str().to_string(),
            score: r.sentiment.score,
            engine: r.engine.as_str().to_string(),
            version: r.version,
            reason: r.reason,
        })
        .collect())
}
