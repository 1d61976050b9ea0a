//! Sentiment: one label and a score in [-1, 1] per text, from the engine an admin picked.

pub mod engine;
pub mod lexicon;
pub mod load;
pub mod local;

pub use crate::domain::SentimentLabel;

/// What every sentiment engine returns for one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    pub label: SentimentLabel,
    /// -1 (most negative) to 1 (most positive).
    pub score: f32,
}
