//! The trained sentiment model: a three-class linear model plus its training summary.

use super::{class_index, prior, Prediction, TrainExample, TrainOptions};
use crate::domain::SentimentLabel;
use crate::server::pipeline::linear::{argmax, Encoder, Linear};
use serde::{Deserialize, Serialize};

/// Sentiment classes: negative, neutral, positive.
const CLASSES: usize = 3;

/// How training went, kept with the model for the admin pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub examples: usize,
    /// Examples per class, in `SentimentLabel::ALL` order.
    pub class_counts: [usize; CLASSES],
    pub features: usize,
    pub iterations: usize,
    pub converged: bool,
    pub final_loss: f64,
}

/// A fitted sentiment model; serialises to JSON for the database (the linear model's fields
/// sit at the top level, as they always have).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalModel {
    #[serde(flatten)]
    linear: Linear,
    pub options: TrainOptions,
    pub summary: TrainingSummary,
    /// Weight of the lexicon's vote blended into the probabilities (0: none; models stored
    /// before the blend existed read as 0).
    #[serde(default)]
    pub lexicon_weight: f32,
}

impl LocalModel {
    /// Fits a model on `examples`. The result depends only on the examples (in order) and the
    /// options: there is no randomness.
    ///
    /// Fails when there are no examples, fewer than two labels, or when the features include
    /// embeddings and an example lacks one or the lengths differ.
    pub fn train(examples: &[TrainExample], options: &TrainOptions) -> anyhow::Result<LocalModel> {
        let mut class_counts = [0usize; CLASSES];
        let labels: Vec<usize> = examples.iter().map(|e| class_index(e.label)).collect();
        labels.iter().for_each(|l| class_counts[*l] += 1);
        let inputs: Vec<(&str, Option<&[f32]>)> = examples
            .iter()
            .map(|e| (e.text.as_str(), e.embedding.as_deref()))
            .collect();
        let (linear, fit) = Linear::fit(&inputs, &labels, CLASSES, options)?;
        Ok(LocalModel {
            summary: TrainingSummary {
                examples: examples.len(),
                class_counts,
                features: linear.encoder.width(),
                iterations: fit.iterations,
                converged: fit.converged,
                final_loss: fit.final_loss,
            },
            linear,
            options: options.clone(),
            lexicon_weight: 0.0,
        })
    }

    /// [`LocalModel::train`], then the lexicon blended in with the weight that cross-validation
    /// on `examples` finds best ([`prior::choose_weight`]): with few labels the lexicon's evidence
    /// carries the model, with many it fades out.
    pub fn train_with_prior(
        examples: &[TrainExample],
        options: &TrainOptions,
    ) -> anyhow::Result<LocalModel> {
        let mut model = LocalModel::train(examples, options)?;
        model.lexicon_weight = prior::choose_weight(examples, options)?;
        Ok(model)
    }

    /// The feature layout (what the model reads).
    pub fn encoder(&self) -> &Encoder {
        &self.linear.encoder
    }

    /// Predicts one text. `embedding` is required when the model reads embeddings.
    pub fn predict(&self, text: &str, embedding: Option<&[f32]>) -> anyhow::Result<Prediction> {
        let p = self.linear.probabilities(text, embedding)?;
        if p.len() != CLASSES {
            anyhow::bail!("stored sentiment model has {} classes, not 3", p.len());
        }
        let p = prior::blend(&p, text, self.lexicon_weight);
        Ok(Prediction {
            label: SentimentLabel::ALL[argmax(&p)],
            probabilities: [p[0] as f32, p[1] as f32, p[2] as f32],
            score: (p[2] - p[0]).clamp(-1.0, 1.0) as f32,
        })
    }

    /// The word n-grams of `text` that pushed class `class` (see [`Linear::word_contributions`]).
    pub fn term_contributions(&self, text: &str, class: usize) -> Vec<(String, f32)> {
        self.linear.word_contributions(text, class)
    }

    /// Predicts many `(text, embedding)` pairs; fails on the first one that cannot be encoded.
    pub fn predict_batch(
        &self,
        inputs: &[(&str, Option<&[f32]>)],
    ) -> anyhow::Result<Vec<Prediction>> {
        inputs
            .iter()
            .enumerate()
            .map(|(i, (text, embedding))| {
                self.predict(text, *embedding)
                    .map_err(|e| e.context(format!("input {i}")))
            })
            .collect()
    }
}
