//! The evaluation job: runs an engine over the test split of a labelled set, stores every prediction and then the metrics. A restarted run skips items it already predicted.

use super::{JobContext, LEASE};
use crate::domain::metrics::Metrics;
use crate::domain::{EngineChoice, EngineKind};
use crate::server::db;
use crate::server::db::evaluations::Chunk;
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::engine::{self, Engine};
use anyhow::Context;
use std::collections::HashSet;

/// Items scored per step (and per LLM request group); progress is stored after each.
const CHUNK: usize = 32;

/// Runs (or resumes) evaluation run `run_id` to the end.
#[tracing::instrument(skip_all, fields(run_id))]
pub async fn run(ctx: &JobContext, job_id: i64, run_id: i64) -> anyhow::Result<()> {
    let run = db::evaluations::get(&ctx.pool, run_id)
        .await?
        .with_context(|| format!("evaluation run {run_id} does not exist"))?;
    let kind = EngineKind::parse(&run.engine).context("unknown engine")?;
    let choice = EngineChoice {
        kind,
        model_id: run.model_id,
        prompt_id: run.prompt_id,
    };
    let engine = engine::load(&ctx.pool, choice, ctx.llm.clone(), ctx.embedder.config()).await?;
    let items = db::labelled::items(&ctx.pool, run.set_id).await?;
    let (_, test) = sets::split(&items);
    let done: HashSet<i64> = db::evaluations::predicted_ids(&ctx.pool, run_id)
        .await?
        .into_iter()
        .collect();
    let todo: Vec<_> = test
        .iter()
        .copied()
        .filter(|i| !done.contains(&i.id))
        .collect();
    for chunk in todo.chunks(CHUNK) {
        score_chunk(ctx, &engine, run_id, chunk).await?;
        db::jobs::heartbeat(&ctx.pool, job_id, LEASE).await?;
    }
    let predictions = db::evaluations::predictions(&ctx.pool, run_id).await?;
    let classes = sets::class_names();
    let gold: Vec<usize> = predictions
        .iter()
        .filter_map(|p| sets::class_of(&p.gold))
        .collect();
    let predicted: Vec<usize> = predictions
        .iter()
        .filter_map(|p| sets::class_of(&p.predicted))
        .collect();
    let metrics = Metrics::compute(&classes, &gold, &predicted);
    // The same figures on the follow-up messages alone, when the set has any in its test split.
    let (gold, predicted): (Vec<usize>, Vec<usize>) = predictions
        .iter()
        .filter(|p| p.follow_up)
        .filter_map(|p| Some((sets::class_of(&p.gold)?, sets::class_of(&p.predicted)?)))
        .unzip();
    if !gold.is_empty() {
        let follow_ups = Metrics::compute(&classes, &gold, &predicted);
        db::evaluations::set_follow_up_metrics(
            &ctx.pool,
            run_id,
            &serde_json::to_value(&follow_ups)?,
        )
        .await?;
    }
    db::evaluations::finish(
        &ctx.pool,
        run_id,
        Some(&serde_json::to_value(&metrics)?),
        None,
    )
    .await?;
    Ok(())
}

async fn score_chunk(
    ctx: &JobContext,
    engine: &Engine,
    run_id: i64,
    chunk: &[&db::labelled::Item],
) -> anyhow::Result<()> {
    let texts: Vec<String> = chunk.iter().map(|i| i.text.clone()).collect();
    let embeddings = if engine.needs_embeddings() {
        super::embeddings::for_items(ctx, chunk).await?
    } else {
        Vec::new()
    };
    let (scored, cost) = engine.score(&texts, &embeddings).await?;
    let ids: Vec<i64> = chunk.iter().map(|i| i.id).collect();
    let gold: Vec<&str> = chunk.iter().map(|i| i.label.as_str()).collect();
    let predicted: Vec<&str> = scored.iter().map(|s| s.sentiment.label.as_str()).collect();
    let scores: Vec<f32> = scored.iter().map(|s| s.sentiment.score).collect();
    let reasons: Vec<Option<String>> = scored.iter().map(|s| s.reason.clone()).collect();
    db::evaluations::store_chunk(
        &ctx.pool,
        run_id,
        Chunk {
            item_ids: &ids,
            gold: &gold,
            predicted: &predicted,
            scores: &scores,
            latency_ms: cost.latency_ms,
            prompt_tokens: cost.prompt_tokens,
            completion_tokens: cost.completion_tokens,
            fallbacks: cost.fallbacks as i32,
            reasons: &reasons,
        },
    )
    .await?;
    Ok(())
}
