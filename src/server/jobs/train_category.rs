//! The category training job: labelled tickets, de-duplicated and split, one engine fitted and
//! measured on the held-out part, the signal check, stored as the next model version.

use super::categorise::enqueue_reclassify;
use super::JobContext;
use crate::server::db;
use crate::server::db::analysis::joined_text;
use crate::server::db::categories::NewModel;
use crate::server::pipeline::category::{
    self, signal, CategoryEngine, CategoryExample, CategoryModel,
};
use anyhow::Context;

/// Job kind.
pub const TRAIN_CATEGORY: &str = "train_category";
/// Newest labelled tickets read for training.
pub const MAX_EXAMPLES: i64 = 20_000;
/// Examples used by the cross-validated signal check (it fits one model per fold).
const SIGNAL_EXAMPLES: usize = 4_000;
const FOLDS: usize = 5;

/// Labelled tickets (of `source` only, when given) as examples; with the embedding engine,
/// missing embeddings are computed.
pub async fn examples(
    ctx: &JobContext,
    engine: CategoryEngine,
    source: Option<&str>,
) -> anyhow::Result<Vec<CategoryExample>> {
    let rows = db::categories::labelled_tickets(
        &ctx.pool,
        ctx.embedder.model_name(),
        MAX_EXAMPLES,
        source,
    )
    .await?;
    let mut examples: Vec<CategoryExample> = rows
        .into_iter()
        .map(|r| CategoryExample {
            text: joined_text(&r.subject, &r.body),
            embedding: r.embedding.map(|v| v.to_vec()),
            label: r.label.trim().to_string(),
        })
        .collect();
    if engine.needs_embeddings() {
        let missing: Vec<usize> = (0..examples.len())
            .filter(|&i| examples[i].embedding.is_none())
            .collect();
        for chunk in missing.chunks(256) {
            let texts = chunk.iter().map(|&i| examples[i].text.clone()).collect();
            let vectors = super::embed(&ctx.embedder, texts).await?;
            for (&i, v) in chunk.iter().zip(vectors) {
                examples[i].embedding = Some(v);
            }
        }
    } else {
        examples.iter_mut().for_each(|e| e.embedding = None);
    }
    Ok(examples)
}

/// Trains, measures, stores; activates the model when none is active yet and its labels carry
/// signal. Returns the new model's id.
#[tracing::instrument(skip(ctx))]
pub async fn run(
    ctx: &JobContext,
    engine: CategoryEngine,
    user_id: Option<i64>,
    source: Option<&str>,
) -> anyhow::Result<i64> {
    let mut examples = examples(ctx, engine, source).await?;
    let duplicates = category::dedupe(&mut examples);
    let classes = category::labels_of(&examples);
    let of_source = source
        .map(|s| format!(" of the source {s:?}"))
        .unwrap_or_default();
    anyhow::ensure!(
        classes.len() >= 2,
        "training needs tickets of at least two categories; {} labelled tickets{of_source} have {}",
        examples.len(),
        classes.len()
    );
    let (train, test) = category::split(&examples);
    let (train_size, test_size) = (train.len() as i32, test.len() as i32);
    let (model, metrics, signal) = tokio::task::spawn_blocking(move || {
        let model = CategoryModel::train(&train, engine)?;
        let metrics = category::measure(&model, &test)?;
        let sample = &examples[examples.len().saturating_sub(SIGNAL_EXAMPLES)..];
        let signal = signal::check(sample, engine, FOLDS, 11)?;
        anyhow::Ok((model, metrics, signal))
    })
    .await??;
    let (id, version) = db::categories::insert(
        &ctx.pool,
        NewModel {
            engine: engine.as_str(),
            embedder: ctx.embedder.model_name(),
            train_size,
            test_size,
            duplicates: duplicates as i32,
            classes: model.classes(),
            metrics: serde_json::to_value(&metrics)?,
            signal: serde_json::to_value(&signal)?,
            model: serde_json::to_value(&model)?,
            user_id,
            source,
        },
    )
    .await
    .context("storing the category model")?;
    tracing::info!(
        id,
        version,
        accuracy = metrics.accuracy,
        has_signal = signal.has_signal,
        "trained a category model"
    );
    if signal.has_signal && db::categories::active(&ctx.pool).await?.is_none() {
        db::categories::activate(&ctx.pool, id, user_id).await?;
        enqueue_reclassify(&ctx.pool, id).await?;
    }
    Ok(id)
}
