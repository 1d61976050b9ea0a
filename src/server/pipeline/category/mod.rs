//! Product / issue category: two trainable engines (TF-IDF n-grams or sentence embeddings, both
//! with logistic regression), a held-out measurement, and a check that the labels carry signal.

mod model;
pub mod signal;

pub use model::{CategoryModel, CategoryPrediction};

use super::evaluation::split::stratified_split;
use crate::domain::metrics::Metrics;
use crate::server::pipeline::linear::{Features, TrainOptions};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The share of every class held out for testing.
pub const TEST_FRACTION: f64 = 0.2;
const SPLIT_SEED: u64 = 0x6361_7465;

/// The two category engines an admin chooses between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CategoryEngine {
    /// Classical: TF-IDF word (1–2) and character (2–5) n-grams, logistic regression.
    Tfidf,
    /// Transformer: the sentence embedding of the ticket, logistic regression.
    Embedding,
}

impl CategoryEngine {
    pub const ALL: [CategoryEngine; 2] = [CategoryEngine::Tfidf, CategoryEngine::Embedding];

    pub fn as_str(self) -> &'static str {
        match self {
            CategoryEngine::Tfidf => "tfidf",
            CategoryEngine::Embedding => "embedding",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// What the engine reads, for people.
    pub fn describe(self) -> &'static str {
        match self {
            CategoryEngine::Tfidf => {
                "classical: TF-IDF word + character n-grams, logistic regression"
            }
            CategoryEngine::Embedding => "transformer: sentence embedding, logistic regression",
        }
    }

    pub fn needs_embeddings(self) -> bool {
        self == CategoryEngine::Embedding
    }

    /// Training settings of the engine.
    pub fn options(self) -> TrainOptions {
        TrainOptions {
            features: match self {
                CategoryEngine::Tfidf => Features::Tfidf,
                CategoryEngine::Embedding => Features::Embedding,
            },
            ..TrainOptions::default()
        }
    }
}

/// One labelled ticket text; `embedding` is set when the engine reads embeddings.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryExample {
    pub text: String,
    pub embedding: Option<Vec<f32>>,
    pub label: String,
}

/// Drops examples whose text (trimmed, case-folded) was seen before, so that no text can sit on
/// both sides of a split; returns how many were dropped.
pub fn dedupe(examples: &mut Vec<CategoryExample>) -> usize {
    let before = examples.len();
    let mut seen = HashSet::new();
    examples.retain(|e| seen.insert(e.text.trim().to_lowercase()));
    before - examples.len()
}

/// The sorted distinct labels of `examples`.
pub fn labels_of(examples: &[CategoryExample]) -> Vec<String> {
    let mut labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    labels.sort();
    labels.dedup();
    labels
}

/// Splits into (train, test), stratified by label; the same examples in the same order always
/// split the same way.
pub fn split(examples: &[CategoryExample]) -> (Vec<CategoryExample>, Vec<CategoryExample>) {
    let labels = labels_of(examples);
    let keyed: Vec<(i64, usize)> = examples
        .iter()
        .enumerate()
        .map(|(i, e)| (i as i64, labels.binary_search(&e.label).unwrap_or(0)))
        .collect();
    let is_test = stratified_split(&keyed, TEST_FRACTION, SPLIT_SEED);
    let (test, train): (Vec<_>, Vec<_>) =
        examples.iter().cloned().zip(is_test).partition(|(_, t)| *t);
    (
        train.into_iter().map(|(e, _)| e).collect(),
        test.into_iter().map(|(e, _)| e).collect(),
    )
}

/// A model's figures on held-out examples. Test examples of a label the model never saw count
/// as errors: they are scored under an extra class so accuracy is not flattered.
pub fn measure(model: &CategoryModel, test: &[CategoryExample]) -> anyhow::Result<Metrics> {
    let mut classes: Vec<String> = model.classes().to_vec();
    let mut extra: BTreeMap<String, usize> = BTreeMap::new();
    let mut gold = Vec::with_capacity(test.len());
    let mut predicted = Vec::with_capacity(test.len());
    for e in test {
        let g = match model.class_index(&e.label) {
            Some(i) => i,
            None => *extra.entry(e.label.clone()).or_insert_with(|| {
                classes.push(e.label.clone());
                classes.len() - 1
            }),
        };
        gold.push(g);
        predicted.push(model.predict(&e.text, e.embedding.as_deref())?.index);
    }
    let names: Vec<&str> = classes.iter().map(String::as_str).collect();
    Ok(Metrics::compute(&names, &gold, &predicted))
}

#[cfg(test)]
mod tests;
