//! The trained model: fitting multinomial logistic regression, predicting, and its stored form.

use super::lbfgs::{self, Settings};
use super::objective::{self, Objective, CLASSES};
use super::{class_index, Encoder, Prediction, TfIdf, TrainExample, TrainOptions};
use crate::domain::SentimentLabel;
use anyhow::{anyhow, bail};
use serde::{Deserialize, Serialize};

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

/// A fitted sentiment model; serialises to JSON for the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalModel {
    pub encoder: Encoder,
    /// `encoder.width() × 3` weights, row-major by feature.
    weights: Vec<f32>,
    bias: [f32; CLASSES],
    pub options: TrainOptions,
    pub summary: TrainingSummary,
}

impl LocalModel {
    /// Fits a model on `examples`. The result depends only on the examples (in order) and the
    /// options: there is no randomness.
    ///
    /// Fails when there are no examples, fewer than two labels, or when the features include
    /// embeddings and an example lacks one or the lengths differ.
    pub fn train(examples: &[TrainExample], options: &TrainOptions) -> anyhow::Result<LocalModel> {
        let mut class_counts = [0usize; CLASSES];
        examples
            .iter()
            .for_each(|e| class_counts[class_index(e.label)] += 1);
        if class_counts.iter().filter(|c| **c > 0).count() < 2 {
            bail!(
                "training needs examples of at least two sentiment labels ({} examples given)",
                examples.len()
            );
        }
        let embedding_dim = if options.features.uses_embedding() {
            embedding_dim(examples)?
        } else {
            0
        };
        let tfidf = options.features.uses_tfidf().then(|| {
            let texts: Vec<&str> = examples.iter().map(|e| e.text.as_str()).collect();
            TfIdf::fit(&texts, &options.tfidf)
        });
        let encoder = Encoder {
            features: options.features,
            embedding_dim,
            embedding_weight: options.embedding_weight,
            tfidf,
        };
        let rows = examples
            .iter()
            .map(|e| encoder.encode(&e.text, e.embedding.as_deref()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let labels: Vec<usize> = examples.iter().map(|e| class_index(e.label)).collect();
        let width = encoder.width();
        let objective = Objective::new(
            &rows,
            &labels,
            width,
            options.regularisation.max(0.0),
            options.balanced,
        );
        let settings = Settings {
            max_iterations: options.max_iterations,
            gradient_tolerance: options.gradient_tolerance,
            memory: 10,
        };
        let start = vec![0.0; objective.dimension()];
        let (theta, outcome) = lbfgs::minimise(|t, g| objective.evaluate(t, g), start, settings);
        if !outcome.value.is_finite() {
            bail!("training diverged (loss {})", outcome.value);
        }
        let n_weights = width * CLASSES;
        let mut bias = [0.0; CLASSES];
        bias.iter_mut()
            .zip(&theta[n_weights..])
            .for_each(|(b, t)| *b = *t as f32);
        Ok(LocalModel {
            encoder,
            weights: theta[..n_weights].iter().map(|t| *t as f32).collect(),
            bias,
            options: options.clone(),
            summary: TrainingSummary {
                examples: examples.len(),
                class_counts,
                features: width,
                iterations: outcome.iterations,
                converged: outcome.converged,
                final_loss: outcome.value,
            },
        })
    }

    /// Predicts one text. `embedding` is required when the model reads embeddings.
    pub fn predict(&self, text: &str, embedding: Option<&[f32]>) -> anyhow::Result<Prediction> {
        let row = self.encoder.encode(text, embedding)?;
        let mut z = self.bias.map(f64::from);
        for &(j, x) in &row {
            let w = self
                .weights
                .get(j as usize * CLASSES..(j as usize + 1) * CLASSES)
                .ok_or_else(|| {
                    anyhow!("stored model is inconsistent: feature {j} has no weights")
                })?;
            for k in 0..CLASSES {
                z[k] += f64::from(x) * f64::from(w[k]);
            }
        }
        let p = objective::softmax(z);
        let best = (0..CLASSES).fold(0, |best, k| if p[k] > p[best] { k } else { best });
        Ok(Prediction {
            label: SentimentLabel::ALL[best],
            probabilities: p.map(|v| v as f32),
            score: (p[2] - p[0]).clamp(-1.0, 1.0) as f32,
        })
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

/// The shared embedding length of `examples`, or an error naming the first offender.
fn embedding_dim(examples: &[TrainExample]) -> anyhow::Result<usize> {
    let mut dim = None;
    for (i, e) in examples.iter().enumerate() {
        let Some(v) = &e.embedding else {
            bail!(
                "example {i} has no embedding, but the chosen features need one for every example"
            );
        };
        match dim {
            None if v.is_empty() => bail!("example {i} has an empty embedding"),
            None => dim = Some(v.len()),
            Some(d) if d != v.len() => {
                bail!(
                    "example {i} has a {}-dimensional embedding; earlier ones have {d}",
                    v.len()
                )
            }
            Some(_) => {}
        }
    }
    dim.ok_or_else(|| anyhow!("no examples to train on"))
}
