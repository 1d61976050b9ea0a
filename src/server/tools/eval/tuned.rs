//! `ticketlens eval --engine local`: tune on the training file, embed the test file with the tuned model, score with its head.

use crate::domain::metrics::Metrics;
use crate::domain::SentimentLabel;
use crate::server::config::Settings;
use crate::server::jobs::train_tuned;
use crate::server::pipeline::embed::Embedder;
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::class_index;
use crate::server::pipeline::sentiment::local::{prior, LocalModel, TrainExample, TrainOptions};
use crate::server::pipeline::sentiment::tuned::{self, Recipe, TunedModel};
use anyhow::Context;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

/// Tunes on `train` and returns the model with the test set's metrics.
pub async fn tune_and_score(
    settings: &Settings,
    train: Vec<TrainExample>,
    test: &[TrainExample],
    recipe: &Recipe,
) -> anyhow::Result<(TunedModel, Metrics)> {
    let bar = crate::server::tools::cli::progress(0, "steps");
    let shown = bar.clone();
    let model = tuned::fit_in_background(
        settings.embedder.model_dir.clone(),
        train,
        recipe.clone(),
        Arc::new(AtomicBool::new(false)),
        move |step| {
            shown.set_length(step.total as u64);
            shown.set_position(step.done as u64);
            shown.set_message(format!("loss {:.4}", step.loss));
        },
    )
    .await;
    bar.finish_and_clear();
    let model = model?.context("tuning was cancelled")?;
    let metrics = train_tuned::measure(&settings.embedder, &model, test).await?;
    Ok((model, metrics))
}

/// `examples` with their embeddings by `embedder` (the base model, or tuned layers on it).
pub async fn embedded(
    embedder: &Arc<Embedder>,
    examples: &[TrainExample],
) -> anyhow::Result<Vec<TrainExample>> {
    let texts: Vec<String> = examples.iter().map(|e| e.text.clone()).collect();
    let embeddings = crate::server::jobs::embed(embedder, texts).await?;
    Ok(examples
        .iter()
        .zip(embeddings)
        .map(|(e, v)| TrainExample {
            embedding: Some(v),
            ..e.clone()
        })
        .collect())
}

/// The tuned layers on the configured runtime.
async fn tuned_embedder(settings: &Settings, model: &TunedModel) -> anyhow::Result<Embedder> {
    let config = settings.embedder.clone();
    let layers = model.layers.clone();
    tokio::task::spawn_blocking(move || Embedder::load_tuned(&config, &layers, Some("tuned")))
        .await?
}

/// Test metrics of `head` with each lexicon weight in `weights`.
fn weight_sweep(
    head: &LocalModel,
    test: &[TrainExample],
    weights: &[f32],
) -> anyhow::Result<Vec<(f32, Metrics)>> {
    let gold: Vec<usize> = test.iter().map(|e| class_index(e.label)).collect();
    weights
        .iter()
        .map(|&w| {
            let mut head = head.clone();
            head.lexicon_weight = w;
            let predicted = test
                .iter()
                .map(|e| {
                    head.predict(&e.text, e.embedding.as_deref())
                        .map(|p| class_index(p.label))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            Ok((w, Metrics::compute(&sets::class_names(), &gold, &predicted)))
        })
        .collect()
}

/// Prints, for each lexicon weight, the out-of-fold macro-F1 the cross-validation sees on the
/// tuned and on the base embeddings, and the test macro-F1 the blend reaches.
pub async fn print_prior_curves(
    settings: &Settings,
    model: &TunedModel,
    train: &[TrainExample],
    test: &[TrainExample],
) -> anyhow::Result<()> {
    // One session of the tuned layers for both files.
    let tuned = Arc::new(tuned_embedder(settings, model).await?);
    let tuned_train = embedded(&tuned, train).await?;
    let config = settings.embedder.clone();
    let base = tokio::task::spawn_blocking(move || Embedder::load(&config)).await??;
    let base_train = embedded(&Arc::new(base), train).await?;
    let test = embedded(&tuned, test).await?;
    let options = TrainOptions::default();
    let on_tuned = prior::weight_curve(&tuned_train, &options)?;
    let on_base = prior::weight_curve(&base_train, &options)?;
    let weights: Vec<f32> = (0..=10).map(|s| s as f32 / 10.0).collect();
    let on_test = weight_sweep(&model.head, &test, &weights)?;
    println!("lexicon weight -> out-of-fold macro-F1 (tuned, base embeddings) and test macro-F1:");
    for (i, (w, m)) in on_test.iter().enumerate() {
        let oof = |c: &[(f32, f64)]| c.get(i).map_or("—".into(), |(_, f)| format!("{f:.3}"));
        println!(
            "  {w:.1}  {}  {}  {:.3}",
            oof(&on_tuned),
            oof(&on_base),
            m.macro_f1
        );
    }
    Ok(())
}

/// Prints macro-F1 and training time at each size of [`tuned::CURVE_SIZES`]; each size tunes as many
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
    for size in tuned::CURVE_SIZES.map(|s| s.min(train.len())) {
        if done.contains(&size) {
            continue;
        }
        done.push(size);
        let started = Instant::now();
        let sized = Recipe {
            trainable_layers: layers.unwrap_or(Recipe::for_size(size).trainable_layers),
            ..recipe.clone()
        };
        let (model, metrics) = tune_and_score(
            settings,
            tuned::subset(train, size, recipe.seed),
            test,
            &sized,
        )
        .await?;
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
