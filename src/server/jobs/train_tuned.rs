//! The training job's tuned branch: tune on the train split, measure on the test split through the serving runtime.

use super::JobContext;
use crate::domain::metrics::Metrics;
use crate::domain::SentimentLabel;
use crate::server::db::labelled::Item;
use crate::server::pipeline::embed::Embedder;
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::class_index;
use crate::server::pipeline::sentiment::local::{LocalModel, TrainExample, TrainOptions};
use crate::server::pipeline::sentiment::tuned::{self, store, Recipe};
use anyhow::Context;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What the job stores.
pub struct Tuned {
    pub head: LocalModel,
    /// The tuned layers as safetensors bytes.
    pub layers: Vec<u8>,
    /// The recipe and how tuning went, as stored JSON.
    pub recipe: serde_json::Value,
    pub metrics: Metrics,
}

fn texts(items: &[&Item]) -> anyhow::Result<Vec<TrainExample>> {
    items
        .iter()
        .map(|i| {
            Ok(TrainExample {
                text: i.text.clone(),
                embedding: None,
                label: SentimentLabel::parse(&i.label).context("bad stored label")?,
            })
        })
        .collect()
}

/// Tunes with the default recipe (aiming at `pairs` pairs when given), logging progress every
/// tenth of the steps.
pub async fn run(
    ctx: &JobContext,
    train: &[&Item],
    test: &[&Item],
    pairs: Option<usize>,
) -> anyhow::Result<Tuned> {
    let train = texts(train)?;
    let test = texts(test)?;
    let dir = ctx.embedder.config().model_dir.clone();
    let defaults = Recipe::for_size(train.len());
    let recipe = Recipe {
        target_pairs: pairs.unwrap_or(defaults.target_pairs),
        max_pairs: pairs.unwrap_or(defaults.max_pairs),
        ..defaults
    };
    let r = recipe.clone();
    let model = tokio::task::spawn_blocking(move || {
        let cancel = AtomicBool::new(false);
        tuned::fit(
            &dir,
            &train,
            &r,
            &TrainOptions::default(),
            &cancel,
            &mut |step| {
                if step.done % (step.total / 10).max(1) == 0 {
                    tracing::info!(
                        step = step.done,
                        of = step.total,
                        loss = step.loss,
                        "tuning"
                    );
                }
            },
        )
    })
    .await??
    .context("tuning was cancelled")?;
    let config = ctx.embedder.config().clone();
    let layers = model.layers.clone();
    let encoder = Arc::new(
        tokio::task::spawn_blocking(move || Embedder::load_tuned(&config, &layers, Some("tuned")))
            .await??,
    );
    let embeddings = super::embed(&encoder, test.iter().map(|e| e.text.clone()).collect()).await?;
    let mut gold = Vec::with_capacity(test.len());
    let mut predicted = Vec::with_capacity(test.len());
    for (e, v) in test.iter().zip(&embeddings) {
        gold.push(class_index(e.label));
        predicted.push(class_index(model.head.predict(&e.text, Some(v))?.label));
    }
    Ok(Tuned {
        layers: store::to_bytes(&model.layers)?,
        recipe: serde_json::json!({ "recipe": recipe, "summary": model.summary }),
        metrics: Metrics::compute(&sets::class_names(), &gold, &predicted),
        head: model.head,
    })
}
