//! Turns a text and its embedding into one sparse feature row: embedding block, then TF-IDF block.

use super::{Features, TfIdf};
use anyhow::{anyhow, bail};
use serde::{Deserialize, Serialize};

/// The fitted feature layout of a model.
///
/// Columns `0..embedding_dim` hold the embedding scaled to length `embedding_weight`; the TF-IDF
/// vector (unit length) follows. Both blocks being normalised per text keeps either from
/// dominating the other, or the penalty, just through its scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Encoder {
    pub features: Features,
    /// Length of the embeddings the model was trained on; 0 when it does not use them.
    pub embedding_dim: usize,
    pub embedding_weight: f32,
    pub tfidf: Option<TfIdf>,
}

impl Encoder {
    /// The number of feature columns.
    pub fn width(&self) -> usize {
        self.embedding_dim + self.tfidf.as_ref().map_or(0, TfIdf::len)
    }

    /// The sparse row of one text, sorted by column.
    ///
    /// Fails when the model reads embeddings and `embedding` is missing, of another length, or
    /// not finite. An embedding given to a TF-IDF-only model is ignored.
    pub fn encode(&self, text: &str, embedding: Option<&[f32]>) -> anyhow::Result<Vec<(u32, f32)>> {
        let mut row = Vec::new();
        if self.features.uses_embedding() {
            let e = embedding.ok_or_else(|| {
                anyhow!(
                    "this model reads sentence embeddings (features: {:?}), \
                     but none was given; compute embeddings first or use a TF-IDF-only model",
                    self.features
                )
            })?;
            if e.len() != self.embedding_dim {
                bail!(
                    "embedding has {} dimensions; the model was trained on {}",
                    e.len(),
                    self.embedding_dim
                );
            }
            if e.iter().any(|v| !v.is_finite()) {
                bail!("embedding contains NaN or infinite values");
            }
            let norm = e.iter().map(|v| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                let scale = self.embedding_weight / norm;
                row.extend(
                    e.iter()
                        .enumerate()
                        .filter(|(_, v)| **v != 0.0)
                        .map(|(i, v)| (i as u32, v * scale)),
                );
            }
        }
        if let Some(tfidf) = &self.tfidf {
            let offset = self.embedding_dim as u32;
            row.extend(
                tfidf
                    .transform(text)
                    .into_iter()
                    .map(|(i, v)| (i + offset, v)),
            );
        }
        Ok(row)
    }
}
