//! The tuned local engine: the embedding model's top layers tuned on the team's labels, then the linear head on the tuned embeddings.

mod bert;
pub mod store;
mod train;

pub use bert::TrainableBert;
pub use train::{Pair, Step};

use super::class_index;
use super::local::{LocalModel, TrainExample, TrainOptions};
use crate::server::pipeline::embed::onnx::{Weight, Weights};
use crate::server::pipeline::embed::{read_config, read_tokenizer};
use crate::server::pipeline::evaluation::split::stratified_split;
use anyhow::{anyhow, Context};
use candle_core::DType;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

/// How a model is tuned; stored with every model version so it can be repeated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// Top transformer layers that train; the rest stay as the base model has them.
    pub trainable_layers: usize,
    /// Pairs aimed for: small sets take more rounds over their examples (at most `max_rounds`).
    pub target_pairs: usize,
    pub max_rounds: usize,
    pub max_pairs: usize,
    pub batch_pairs: usize,
    pub learning_rate: f64,
    /// Texts are cut to this many tokens for training (inference keeps the model's limit).
    pub max_tokens: usize,
    pub seed: u64,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe {
            trainable_layers: 2,
            target_pairs: 2_000,
            max_rounds: 20,
            max_pairs: 4_000,
            batch_pairs: 16,
            learning_rate: 5e-5,
            max_tokens: 128,
            seed: 17,
        }
    }
}

impl Recipe {
    /// The best measured recipe for `n` labelled examples (TweetEval macro-F1, docs/benchmarks.md):
    /// two top layers below 100 labels (the fastest: 72 s for 48 labels on 2 idle cores, and the
    /// lexicon carries them anyway), the whole encoder from 100 on (150 labels: 0.624 against 0.606
    /// with two; 2,000 labels: 0.662 in 571 s against 0.659 in 407 s with four).
    pub fn for_size(n: usize) -> Recipe {
        Recipe {
            trainable_layers: if n < 100 { 2 } else { 6 },
            ..Recipe::default()
        }
    }

    /// Rounds of pair sampling for `n` examples (each round gives about two pairs per example).
    pub fn rounds(&self, n: usize) -> usize {
        (self.target_pairs / (2 * n.max(1))).clamp(1, self.max_rounds.max(1))
    }
}

/// Training-set sizes of the learning curve (those a set holds).
pub const CURVE_SIZES: [usize; 6] = [48, 96, 192, 500, 1_000, 2_000];

/// A stratified subset of `examples` of about `size`, chosen by `seed`.
pub fn subset(examples: &[TrainExample], size: usize, seed: u64) -> Vec<TrainExample> {
    if size >= examples.len() {
        return examples.to_vec();
    }
    let items: Vec<(i64, usize)> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| (i as i64, class_index(e.label)))
        .collect();
    let chosen = stratified_split(&items, size as f64 / examples.len() as f64, seed);
    examples
        .iter()
        .zip(chosen)
        .filter(|(_, picked)| *picked)
        .map(|(e, _)| e.clone())
        .collect()
}

/// How tuning went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TuneSummary {
    pub examples: usize,
    pub pairs: usize,
    pub steps: usize,
    /// Mean pair loss over the last tenth of the steps.
    pub final_loss: f32,
    pub seconds: f64,
}

/// A tuned model: the changed layers' weights (on top of the base model's), and the head.
pub struct TunedModel {
    pub recipe: Recipe,
    pub summary: TuneSummary,
    pub layers: Vec<(String, Weight)>,
    pub head: LocalModel,
}

/// [`fit`] on a blocking thread, calling `on_step` after every step; `None` when `cancel` was set.
pub async fn fit_in_background(
    model_dir: PathBuf,
    examples: Vec<TrainExample>,
    recipe: Recipe,
    cancel: Arc<AtomicBool>,
    mut on_step: impl FnMut(Step) + Send + 'static,
) -> anyhow::Result<Option<TunedModel>> {
    tokio::task::spawn_blocking(move || {
        fit(
            &model_dir,
            &examples,
            &recipe,
            &TrainOptions::default(),
            &cancel,
            &mut on_step,
        )
    })
    .await?
}

/// Tunes the model in `model_dir` on `examples` (texts and labels; embeddings are ignored) and
/// fits the head on the tuned embeddings. `None` when `cancel` was set.
pub fn fit(
    model_dir: &Path,
    examples: &[TrainExample],
    recipe: &Recipe,
    head: &TrainOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Step),
) -> anyhow::Result<Option<TunedModel>> {
    let started = Instant::now();
    let labels: Vec<usize> = examples.iter().map(|e| class_index(e.label)).collect();
    anyhow::ensure!(
        labels.iter().any(|&l| l != labels[0]),
        "tuning needs examples of at least two labels"
    );
    let config = read_config(model_dir)?;
    let limit = recipe.max_tokens.min(config.max_position_embeddings);
    let (tokenizer, _) = read_tokenizer(model_dir, limit, config.pad_token_id)?;
    let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
    let tokens: Vec<train::Tokens> = tokenizer
        .encode_batch(texts, true)
        .map_err(|e| anyhow!(e))
        .context("tokenizing the training texts")?
        .iter()
        .map(|e| train::Tokens {
            ids: e.get_ids().to_vec(),
            type_ids: e.get_type_ids().to_vec(),
        })
        .collect();
    let weights = Weights::open(&model_dir.join("model.safetensors"))?;
    let model = TrainableBert::new(
        &config,
        bert::Source::Checkpoint(&weights),
        recipe.trainable_layers,
        DType::F32,
    )?;
    drop(weights);
    let states = train::frozen_states(&model, &tokens, 32)?;
    let with_embeddings = |embeddings: Vec<Vec<f32>>| -> Vec<TrainExample> {
        examples
            .iter()
            .zip(embeddings)
            .map(|(e, v)| TrainExample {
                text: e.text.clone(),
                embedding: Some(v),
                label: e.label,
            })
            .collect()
    };
    // The lexicon's weight is cross-validated on the base embeddings: the tuned encoder has seen
    // every training label, so out-of-fold predictions on its embeddings look far better than
    // they are on new texts (48 labels: 0.73 out of fold, 0.40 on TweetEval's test set).
    let lexicon_weight = super::local::prior::choose_weight(
        &with_embeddings(train::embed_all(&model, &states, 32)?),
        head,
    )?;
    let pairs = train::pairs(&labels, recipe);
    let Some(final_loss) = train::tune(&model, &states, &pairs, recipe, cancel, progress)? else {
        return Ok(None);
    };
    let mut head = LocalModel::train(
        &with_embeddings(train::embed_all(&model, &states, 32)?),
        head,
    )?;
    head.lexicon_weight = lexicon_weight;
    Ok(Some(TunedModel {
        recipe: recipe.clone(),
        summary: TuneSummary {
            examples: examples.len(),
            pairs: pairs.len(),
            steps: pairs.len().div_ceil(recipe.batch_pairs.max(1)),
            final_loss,
            seconds: started.elapsed().as_secs_f64(),
        },
        layers: model.trained_weights()?,
        head,
    }))
}

#[cfg(test)]
mod tests;
