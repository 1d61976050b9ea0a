//! The analysis job: embed a batch of new tickets, score their sentiment, classify their category, decide escalation, queue drafts, store it all, in one transaction with the job rows, so a crash loses nothing and redoes nothing committed.

use super::{JobContext, ANALYSE, RETRY_BASE};
use crate::server::db;
use crate::server::db::analysis::{AnalysisRow, CategoryResult, TicketText};
use crate::server::pipeline::sentiment::engine::Engine;
use crate::server::telemetry::stages::{self, Stage};
use std::collections::HashMap;
use std::time::Instant;

/// Records the time since `clock` as `stage` and restarts the clock.
fn lap(clock: &mut Instant, stage: Stage) {
    stages::record(stage, clock.elapsed());
    *clock = Instant::now();
}

/// Tickets per batch: enough to keep the embedder's batches full.
pub const BATCH: i64 = 64;

/// Analyses one batch of queued tickets with `engine`; returns how many tickets it stored
/// (0 when nothing was ready).
#[tracing::instrument(skip_all)]
pub async fn run_batch(ctx: &JobContext, engine: &Engine) -> anyhow::Result<usize> {
    let started = Instant::now();
    let mut tx = ctx.pool.begin().await?;
    let jobs = db::jobs::claim_in(&mut tx, ANALYSE, BATCH).await?;
    if jobs.is_empty() {
        return Ok(0);
    }
    let job_ids: Vec<i64> = jobs.iter().map(|j| j.id).collect();
    let ticket_ids: Vec<i64> = jobs
        .iter()
        .filter_map(|j| j.payload.get("ticket_id").and_then(|v| v.as_i64()))
        .collect();
    let outcome = async {
        let tickets = db::analysis::texts(&mut *tx, &ticket_ids).await?;
        let texts: Vec<String> = tickets.iter().map(|t| t.text()).collect();
        stages::record(Stage::Read, started.elapsed());
        let embeddings = super::embed(&ctx.embedder, texts.clone()).await?;
        let mut clock = Instant::now();
        let (scored, _cost) = engine.score(&texts, &embeddings).await?;
        lap(&mut clock, Stage::Sentiment);
        // From here the follow-up lane waits for this batch, and this batch decides on every
        // follow-up score it committed.
        db::tickets::lock_for_analysis(&mut tx, &ticket_ids).await?;
        let decided = match ctx.rules.current(&ctx.pool).await? {
            Some(rules) => {
                let sla = db::sla::settings(&ctx.pool).await?;
                let scores = tickets
                    .iter()
                    .zip(&scored)
                    .map(|(t, s)| (t.id, s.sentiment.score))
                    .collect();
                let ids: Vec<i64> = tickets.iter().map(|t| t.id).collect();
                Some(super::escalate::decide(&mut tx, &rules, &sla, &ids, &scores).await?)
            }
            None => None,
        };
        lap(&mut clock, Stage::Escalate);
        let mut categories = categorise(ctx, &tickets, &texts, &embeddings).await?;
        lap(&mut clock, Stage::Categorise);
        let rows: Vec<AnalysisRow> = tickets
            .iter()
            .zip(embeddings)
            .zip(scored)
            .map(|((t, embedding), s)| AnalysisRow {
                ticket_id: t.id,
                embedding,
                sentiment: s.sentiment,
                engine: s.engine.as_str().to_string(),
                version: s.version,
                reason: s.reason,
                decision: decided
                    .as_ref()
                    .and_then(|d| d.decisions.get(&t.id).cloned()),
                category: categories.remove(&t.id),
            })
            .collect();
        db::analysis::store(&mut tx, ctx.embedder.model_name(), &rows).await?;
        if let Some(decided) = &decided {
            super::escalate::open(&mut tx, decided).await?;
        }
        lap(&mut clock, Stage::Store);
        let analysed: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
        super::draft::enqueue_for(&mut *tx, &analysed).await?;
        db::jobs::complete(&mut *tx, &job_ids).await?;
        anyhow::Ok((rows.len(), clock))
    }
    .await;
    match outcome {
        Ok((stored, clock)) => {
            tx.commit().await?;
            stages::record(Stage::Finish, clock.elapsed());
            stages::analysed(stored);
            Ok(stored)
        }
        Err(e) => {
            drop(tx);
            tracing::error!(error = ?e, jobs = job_ids.len(), "analysis batch failed; will retry");
            db::jobs::retry_later(&ctx.pool, &job_ids, &format!("{e:#}"), RETRY_BASE).await?;
            Err(e)
        }
    }
}

/// The active category model's predictions, keyed by ticket. A model that cannot be loaded or
/// cannot read these tickets is logged and skipped: the tickets keep their sentiment and
/// escalation, and stay unclassified until a working model is activated (which re-classifies
/// them).
async fn categorise(
    ctx: &JobContext,
    tickets: &[TicketText],
    texts: &[String],
    embeddings: &[Vec<f32>],
) -> anyhow::Result<HashMap<i64, CategoryResult>> {
    let (model_id, model) = match ctx.categories.current(&ctx.pool).await {
        Ok(Some(active)) => active,
        Ok(None) => return Ok(HashMap::new()),
        Err(e) => {
            tracing::error!(error = ?e, "the active category model cannot be loaded; tickets stay unclassified");
            return Ok(HashMap::new());
        }
    };
    let inputs: Vec<(i64, String, Option<Vec<f32>>)> = tickets
        .iter()
        .zip(texts)
        .zip(embeddings)
        .map(|((t, text), e)| (t.id, text.clone(), Some(e.clone())))
        .collect();
    match super::categorise::classify(&model, &inputs) {
        Ok(predicted) => Ok(predicted
            .into_iter()
            .map(|p| {
                let result = CategoryResult {
                    label: p.category,
                    confidence: p.confidence,
                    model_id,
                };
                (p.ticket_id, result)
            })
            .collect()),
        Err(e) => {
            tracing::error!(
                error = ?e,
                model_id,
                "the active category model failed on this batch; tickets stay unclassified"
            );
            Ok(HashMap::new())
        }
    }
}
