//! Starting evaluation runs and training jobs: validate the choice, record the run, queue the job.

use crate::domain::{EngineChoice, EngineKind};
use crate::server::db;
use crate::server::db::evaluations::NewRun;
use crate::server::jobs::{JobContext, EVALUATE, TRAIN};
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::engine::{self, Engine};
use anyhow::Context;
use serde_json::json;

/// Queues an evaluation of `choice` on the test split of set `set_id`; returns the run id.
pub async fn start(
    ctx: &JobContext,
    set_id: i64,
    choice: EngineChoice,
    user_id: Option<i64>,
) -> anyhow::Result<i64> {
    let items = db::labelled::items(&ctx.pool, set_id).await?;
    let (_, test) = sets::split(&items);
    anyhow::ensure!(
        !test.is_empty(),
        "this labelled set has no items to test on"
    );
    let engine = engine::load(&ctx.pool, choice, ctx.llm.clone(), ctx.embedder.config()).await?;
    let examples_hash = match &engine {
        Engine::Llm { version, .. } => version.rsplit("examples-").next().map(str::to_string),
        _ => None,
    };
    let model_id = match (&engine, choice.model_id) {
        (Engine::Local { .. }, None) => db::models::latest_id(&ctx.pool).await?,
        (_, id) => id,
    };
    let prompt_id = match (choice.kind, choice.prompt_id) {
        (EngineKind::Llm, None) => db::prompts::list(&ctx.pool, engine::TASK)
            .await?
            .first()
            .map(|p| p.id),
        (_, id) => id,
    };
    let mut tx = ctx.pool.begin().await?;
    let run_id = db::evaluations::insert(
        &mut *tx,
        NewRun {
            set_id,
            engine: choice.kind.as_str(),
            engine_version: &engine.version(),
            model_id,
            prompt_id,
            examples_hash: examples_hash.as_deref(),
            total: test.len() as i32,
            user_id,
        },
    )
    .await?;
    db::jobs::enqueue(
        &mut *tx,
        EVALUATE,
        &json!({ "run_id": run_id }),
        Some(&format!("evaluate:{run_id}")),
    )
    .await?;
    tx.commit().await?;
    Ok(run_id)
}

/// Queues training of a local model on the train split of set `set_id`.
pub async fn start_training(
    ctx: &JobContext,
    set_id: i64,
    features: &str,
    pairs: Option<usize>,
    curve: bool,
    user_id: Option<i64>,
) -> anyhow::Result<i64> {
    let set = db::labelled::get(&ctx.pool, set_id)
        .await?
        .context("this labelled set does not exist")?;
    anyhow::ensure!(
        set.negative > 0 && set.neutral > 0 && set.positive > 0,
        "the set needs examples of every class (negative, neutral, positive) to train on"
    );
    // Checked and queued under one lock, so two quick submits cannot both pass the check.
    let mut tx = ctx.pool.begin().await?;
    db::training::lock_starts(&mut tx).await?;
    anyhow::ensure!(
        features != super::train::TUNED || !db::training::tuning_pending(&mut *tx, TRAIN).await?,
        "a tuning is already queued or running: wait for it or cancel it first"
    );
    let job = db::jobs::enqueue(
        &mut *tx,
        TRAIN,
        &json!({ "set_id": set_id, "features": features, "pairs": pairs, "curve": curve,
                 "user_id": user_id }),
        None,
    )
    .await?;
    tx.commit().await?;
    job.context("the training job was not queued")
}
