//! Whether labels carry signal: cross-validated accuracy next to always guessing the commonest label.

use super::{labels_of, CategoryEngine, CategoryExample, CategoryModel};
use crate::server::pipeline::linear::TrainOptions;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Labels count as carrying no signal when cross-validated accuracy beats the majority rate by
/// less than this (5 percentage points).
pub const MARGIN: f64 = 0.05;

/// The verdict, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalReport {
    pub folds: usize,
    pub examples: usize,
    /// Accuracy over all folds' held-out predictions.
    pub accuracy: f64,
    pub majority_label: String,
    /// The share of the commonest label: the accuracy of always guessing it.
    pub majority_rate: f64,
    pub has_signal: bool,
}

impl SignalReport {
    /// The plain-language verdict shown on the Categories page.
    pub fn verdict(&self) -> String {
        let pct = |v: f64| format!("{:.1}%", v * 100.0);
        if self.has_signal {
            format!(
                "The labels carry signal: {}-fold cross-validated accuracy {} against {} for always answering \"{}\".",
                self.folds, pct(self.accuracy), pct(self.majority_rate), self.majority_label
            )
        } else {
            format!(
                "These labels carry no usable signal: {}-fold cross-validated accuracy {} is within {:.0} points of always answering \"{}\" ({}). The labels look unrelated to the text, so this model would only guess; fix or replace the labels before relying on it.",
                self.folds, pct(self.accuracy), MARGIN * 100.0, self.majority_label, pct(self.majority_rate)
            )
        }
    }
}

/// Stratified `folds`-fold cross-validation of `engine` on `examples` (deterministic for a seed).
pub fn check(
    examples: &[CategoryExample],
    engine: CategoryEngine,
    folds: usize,
    seed: u64,
) -> anyhow::Result<SignalReport> {
    let folds = folds.max(2);
    let labels = labels_of(examples);
    if labels.len() < 2 {
        anyhow::bail!("the examples have fewer than two labels");
    }
    // Deal each label's examples round-robin over the folds after a seeded shuffle.
    let mut fold_of = vec![0usize; examples.len()];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut counts = vec![0usize; labels.len()];
    for (k, label) in labels.iter().enumerate() {
        let mut members: Vec<usize> = (0..examples.len())
            .filter(|&i| &examples[i].label == label)
            .collect();
        counts[k] = members.len();
        members.shuffle(&mut rng);
        for (n, i) in members.into_iter().enumerate() {
            fold_of[i] = n % folds;
        }
    }
    // Accuracy is the criterion, so the folds train without class weights: weighting for
    // macro-F1 trades accuracy on the big classes for recall on the small ones.
    let options = TrainOptions {
        balanced: false,
        ..engine.options()
    };
    let mut correct = 0usize;
    for fold in 0..folds {
        let train: Vec<CategoryExample> = examples
            .iter()
            .zip(&fold_of)
            .filter(|(_, f)| **f != fold)
            .map(|(e, _)| e.clone())
            .collect();
        if labels_of(&train).len() < 2 {
            continue;
        }
        let model = CategoryModel::train_with(&train, engine, &options)?;
        for (e, _) in examples.iter().zip(&fold_of).filter(|(_, f)| **f == fold) {
            if model.predict(&e.text, e.embedding.as_deref())?.label == e.label {
                correct += 1;
            }
        }
    }
    let (best, &most) = counts
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| **c)
        .unwrap_or((0, &0));
    let n = examples.len().max(1) as f64;
    let accuracy = correct as f64 / n;
    let majority_rate = most as f64 / n;
    Ok(SignalReport {
        folds,
        examples: examples.len(),
        accuracy,
        majority_label: labels[best].clone(),
        majority_rate,
        has_signal: accuracy - majority_rate >= MARGIN,
    })
}
