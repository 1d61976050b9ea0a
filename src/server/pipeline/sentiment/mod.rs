//! Sentiment: one label and a score in [-1, 1] per text, from the engine an admin picked.

pub mod engine;
pub mod explain;
pub mod lexicon;
pub mod load;
pub mod local;
pub mod tuned;

pub use crate::domain::SentimentLabel;

/// The column of a label in weights, probabilities and confusion matrices (`SentimentLabel::ALL` order).
pub fn class_index(label: SentimentLabel) -> usize {
    match label {
        SentimentLabel::Negative => 0,
        SentimentLabel::Neutral => 1,
        SentimentLabel::Positive => 2,
    }
}

/// The label names every engine chooses from, in `SentimentLabel::ALL` order.
pub fn label_names() -> Vec<String> {
    SentimentLabel::ALL
        .iter()
        .map(|l| l.as_str().to_string())
        .collect()
}

pub use crate::domain::Sentiment;
