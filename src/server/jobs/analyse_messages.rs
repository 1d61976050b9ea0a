//! The follow-up step of analysis: score a batch of new customer messages, move their tickets'
//! trajectories, and run the rules again on the whole conversation.

use super::{JobContext, RETRY_BASE};
use crate::server::db;
use crate::server::db::messages::MessageScore;
use crate::server::pipeline::sentiment::engine::Engine;
use std::collections::HashMap;

/// The job kind, queued by a trigger for every customer message after the opening one.
pub const ANALYSE_MESSAGE: &str = "analyse_message";

/// Messages per batch.
pub const BATCH: i64 = 64;

/// Analyses one batch of queued messages with `engine`; returns how many jobs it handled (0 when
/// nothing was ready; a job whose message was deleted since is handled too). Like ticket
/// analysis, it commits with its job rows or not at all.
#[tracing::instrument(skip_all)]
pub async fn run_batch(ctx: &JobContext, engine: &Engine) -> anyhow::Result<usize> {
    let mut tx = ctx.pool.begin().await?;
    let jobs = db::jobs::claim_in(&mut tx, ANALYSE_MESSAGE, BATCH).await?;
    if jobs.is_empty() {
        return Ok(0);
    }
    let job_ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
    let message_ids: Vec<i64> = jobs
        .iter()
        .filter_map(|j| j.payload.get("message_id").and_then(|v| v.as_i64()))
        .collect();
    let outcome = async {
        let messages = db::messages::texts(&mut *tx, &message_ids).await?;
        let texts: Vec<String> = messages.iter().map(|m| m.body.clone()).collect();
        let embeddings = super::embed(&ctx.embedder, texts.clone()).await?;
        let (scored, _cost) = engine.score(&texts, &embeddings).await?;
        let rows: Vec<MessageScore> = messages
            .iter()
            .zip(embeddings)
            .zip(scored)
            .map(|((m, embedding), s)| MessageScore {
                message_id: m.id,
                ticket_id: m.ticket_id,
                label: s.sentiment.label.as_str().to_string(),
                score: s.sentiment.score,
                engine: s.engine.as_str().to_string(),
                version: s.version,
                reason: s.reason,
                embedding,
            })
            .collect();
        db::messages::store_analysis(&mut tx, &rows).await?;
        let mut tickets: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
        tickets.sort_unstable();
        tickets.dedup();
        escalate_conversations(ctx, &mut tx, &tickets).await?;
        let outdated = db::drafts::outdated_pending(&mut *tx, &tickets).await?;
        super::draft::enqueue_redraft(&mut *tx, &outdated).await?;
        db::jobs::complete(&mut *tx, &job_ids).await?;
        anyhow::Ok(job_ids.len())
    }
    .await;
    match outcome {
        Ok(stored) => {
            tx.commit().await?;
            Ok(stored)
        }
        Err(e) => {
            drop(tx);
            tracing::error!(error = ?e, jobs = job_ids.len(), "message analysis failed; will retry");
            db::jobs::retry_later(&ctx.pool, &job_ids, &format!("{e:#}"), RETRY_BASE).await?;
            Err(e)
        }
    }
}

/// Runs the active rules on the tickets' whole conversations; a ticket that now escalates gets
/// the new decision stored and its inbox entry opened (one already open stays as it is).
pub(super) async fn escalate_conversations(
    ctx: &JobContext,
    tx: &mut sqlx::PgConnection,
    tickets: &[i64],
) -> anyhow::Result<()> {
    let Some(rules) = ctx.rules.current(&ctx.pool).await? else {
        return Ok(());
    };
    let sla = db::sla::settings(&ctx.pool).await?;
    let decided = super::escalate::decide(tx, &rules, &sla, tickets, &HashMap::new()).await?;
    let escalated: Vec<(i64, &_)> = decided
        .decisions
        .iter()
        .filter(|(_, d)| d.escalate)
        .map(|(id, d)| (*id, d))
        .collect();
    db::analysis::set_decisions(tx, &escalated).await?;
    super::escalate::open(tx, &decided).await
}
