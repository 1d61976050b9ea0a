//! The local trained sentiment engine: logistic regression on embeddings joined with TF-IDF n-grams.

mod curve;
mod model;
pub mod prior;

pub use crate::server::pipeline::linear::{Features, TfIdfOptions, TrainOptions};
pub use curve::learning_curve;
pub use model::{LocalModel, TrainingSummary};

use super::{Sentiment, SentimentLabel};

/// One labelled text; `embedding` is its sentence embedding when one has been computed.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainExample {
    pub text: String,
    pub embedding: Option<Vec<f32>>,
    pub label: SentimentLabel,
}

/// The model's answer for one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    pub label: SentimentLabel,
    /// Probabilities of negative, neutral and positive (in `SentimentLabel::ALL` order).
    pub probabilities: [f32; 3],
    /// P(positive) − P(negative), in [−1, 1].
    pub score: f32,
}

impl Prediction {
    /// The engine-independent form used by the rest of the pipeline.
    pub fn sentiment(&self) -> Sentiment {
        Sentiment {
            label: self.label,
            score: self.score,
        }
    }
}

use super::class_index;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tweeteval;
