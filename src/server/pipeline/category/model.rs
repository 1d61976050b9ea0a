//! The trained category model: a linear model over the engine's features, and its class names.

use super::{labels_of, CategoryEngine, CategoryExample};
use crate::server::pipeline::linear::{argmax, Linear};
use serde::{Deserialize, Serialize};

/// A fitted category model; serialises to JSON for the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryModel {
    pub engine: CategoryEngine,
    /// Class names in weight order (sorted).
    classes: Vec<String>,
    linear: Linear,
}

/// The model's answer for one text.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryPrediction {
    pub index: usize,
    pub label: String,
    /// The predicted class's probability.
    pub confidence: f32,
}

impl CategoryModel {
    /// Fits the engine on `examples` (deterministic). Fails with fewer than two distinct labels,
    /// or when the engine reads embeddings and an example has none.
    pub fn train(examples: &[CategoryExample], engine: CategoryEngine) -> anyhow::Result<Self> {
        Self::train_with(examples, engine, &engine.options())
    }

    /// Like [`train`](Self::train), with other settings (the signal check trains unweighted).
    pub fn train_with(
        examples: &[CategoryExample],
        engine: CategoryEngine,
        options: &crate::server::pipeline::linear::TrainOptions,
    ) -> anyhow::Result<Self> {
        let classes = labels_of(examples);
        let labels: Vec<usize> = examples
            .iter()
            .map(|e| classes.binary_search(&e.label).unwrap_or(0))
            .collect();
        let inputs: Vec<(&str, Option<&[f32]>)> = examples
            .iter()
            .map(|e| (e.text.as_str(), e.embedding.as_deref()))
            .collect();
        let (linear, _) = Linear::fit(&inputs, &labels, classes.len(), options)?;
        Ok(CategoryModel {
            engine,
            classes,
            linear,
        })
    }

    pub fn classes(&self) -> &[String] {
        &self.classes
    }

    pub fn class_index(&self, label: &str) -> Option<usize> {
        self.classes
            .binary_search_by(|c| c.as_str().cmp(label))
            .ok()
    }

    /// Predicts one text; `embedding` is required by the embedding engine.
    pub fn predict(
        &self,
        text: &str,
        embedding: Option<&[f32]>,
    ) -> anyhow::Result<CategoryPrediction> {
        let p = self.linear.probabilities(text, embedding)?;
        if p.len() != self.classes.len() {
            anyhow::bail!(
                "stored category model has {} weight columns for {} classes",
                p.len(),
                self.classes.len()
            );
        }
        let index = argmax(&p);
        Ok(CategoryPrediction {
            index,
            label: self.classes[index].clone(),
            confidence: p[index] as f32,
        })
    }
}
