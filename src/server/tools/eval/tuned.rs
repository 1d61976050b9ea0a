//! `ticketlens eval --engine local`: tune on the training file, embed the test file with the tuned model, score with its head.

use crate::domain::metrics::Metrics;
use crate::domain::SentimentLabel;
use crate::server::config::Settings;
use crate::server::pipeline::embed::Embedder;
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::evaluation::split::stratified_split;
use crate::server::pipeline::sentiment::class_index;
use crate::server::pipeline::sentiment::local::{TrainExample, TrainOptions};
use crate::server::pipeline::sentiment::tuned::{self, Recipe, TunedModel};
use anyhow::Context;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Training-set sizes of the learning curve (capped at the training file's size).
pub const CURVE_SIZES: [usize; 6] = [48, 96, 192, 500, 1_000, 2_000];

/// Tunes on `train` and returns the model with the test set's metrics and scoring time.
pub async fn tune_and_score(
    settings: &Settings,
    train: Vec<TrainExample>,
    test: &[TrainExample],
    recipe: &Recipe,
) -> anyhow::Result<(TunedModel, Metrics)> {
    let dir = settings.embedder.model_dir.clone();
    let r = recipe.clone();
    let model = tokio::task::spawn_blocking(move || {
        let bar = crate::server::tools::cli::progress(0, "steps");
        let cancel = AtomicBool::new(false);
        let model = tuned::fit(
            &dir,
            &train,
            &r,
            &TrainOptions::default(),
            &cancel,
            &mut |step| {
                bar.set_length(step.total as u64);
                bar.set_position(step.done as u64);
                bar.set_message(format!("loss {:.4}", step.loss));
            },
        );
        bar.finish_and_clear();
        model
    })
    .await??
    .context("tuning was cancelled")?;
    let metrics = score(settings, &model, test).await?;
    Ok((model, metrics))
}

/// Embeds `test` with the tuned layers on the configured runtime and scores it with the head.
async fn score(
    settings: &Settings,
    model: &TunedModel,
    test: &[TrainExample],
) -> anyhow::Result<Metrics> {
    let config = settings.embedder.clone();
    let layers = model.layers.clone();
    let embedder =
        tokio::task::spawn_blocking(move || Embedder::load_tuned(&config, &layers, Some("tuned")))
            .await??;
    let texts: Vec<String> = test.iter().map(|e| e.text.clone()).collect();
    let embeddings = crate::server::jobs::embed(&std::sync::Arc::new(embedder), texts).await?;
    let predicted = test
        .iter()
        .zip(&embeddings)
        .map(|(e, v)| {
            model
                .head
                .predict(&e.text, Some(v))
                .map(|p| class_index(p.label))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let gold: Vec<usize> = test.iter().map(|e| class_index(e.label)).collect();
    Ok(Metrics::compute(&sets::class_names(), &gold, &predicted))
}

/// A stratified subset of `train` of about `size` examples, chosen by `seed`.
pub fn subset(train: &[TrainExample], size: usize, seed: u64) -> Vec<TrainExample> {
    if size >= train.len() {
        return train.to_vec();
    }
    let items: Vec<(i64, usize)> = train
        .iter()
        .enumerate()
        .map(|(i, e)| (i as i64, class_index(e.label)))
        .collect();
    let chosen = stratified_split(&items, size as f64 / train.len() as f64, seed);
    train
        .iter()
        .zip(chosen)
        .filter(|(_, picked)| *picked)
        .map(|(e, _)| e.clone())
        .collect()
}

/// Prints macro-F1 and training time at each size of [`CURVE_SIZES`]; each size tunes as many
/// layers as [`Recipe::for_size`] says unless `layers` is given.
pub async fn print_curve(
    settings: &Settings,
    train: &[TrainExample],
    test: &[TrainExample],
    recipe: &Recipe,
    layers: Option<usize>,
) -> anyhow::Result<()> {
    println!("learning curve (training examples -> macro-F1, tuning time):");
    let mut done = Vec::new();
    for size in CURVE_SIZES.map(|s| s.min(train.len())) {
        if done.contains(&size) {
            continue;
        }
        done.push(size);
        let started = Instant::now();
        let sized = Recipe {
            trainable_layers: layers.unwrap_or(Recipe::for_size(size).trainable_layers),
            ..recipe.clone()
        };
        let (model, metrics) =
            tune_and_score(settings, subset(train, size, recipe.seed), test, &sized).await?;
        println!(
            "  {:>6}  {:.3}  tuned in {:.0} s ({} pairs), total {:.0} s",
            model.summary.examples,
            metrics.macro_f1,
            model.summary.seconds,
            model.summary.pairs,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The recipe line printed with every result.
pub fn describe(recipe: &Recipe, model: &TunedModel) -> String {
    format!(
        "tuned {} top layers on {} examples ({} pairs, {} steps, lr {:e}, seed {}) in {:.1} s; \
         final pair loss {:.4}; lexicon weight {:.1}; classes {:?}",
        recipe.trainable_layers,
        model.summary.examples,
        model.summary.pairs,
        model.summary.steps,
        recipe.learning_rate,
        recipe.seed,
        model.summary.seconds,
        model.summary.final_loss,
        model.head.lexicon_weight,
        SentimentLabel::ALL
            .iter()
            .zip(model.head.summary.class_counts)
            .map(|(l, n)| format!("{} {n}", l.as_str()))
            .collect::<Vec<_>>()
    )
}
