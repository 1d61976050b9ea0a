//! The lexicon sentiment baseline: valence words, negation, intensifiers, punctuation, caps, emoji.

mod rules;
mod score;
mod tokens;
mod words;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tweeteval;

use super::{Sentiment, SentimentLabel};

/// Changes whenever the word list or the rules change, so stored scores can be told apart.
pub const VERSION: &str = "lexicon-2";

/// Compound at or beyond which a text counts as positive (or, negated, negative).
const LABEL_THRESHOLD: f32 = 0.05;
/// Squashes the summed valence into (-1, 1): x / sqrt(x² + ALPHA).
const ALPHA: f32 = 15.0;

/// How positive, neutral and negative a text reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Polarity {
    /// Overall sentiment in [-1, 1].
    pub compound: f32,
    /// Shares of the text that read positive, neutral and negative; they add up to 1.
    pub positive: f32,
    pub neutral: f32,
    pub negative: f32,
}

/// Scores `text` with the word list and rules; text without sentiment words scores 0.
pub fn polarity(text: &str) -> Polarity {
    let tokens = tokens::tokenize(text);
    let valences = score::valences(&tokens);
    let sum: f32 = valences.iter().sum();
    let emphasis = if sum == 0.0 {
        0.0
    } else {
        score::punctuation_emphasis(text)
    };
    let compound = normalize(sum + emphasis * sum.signum());

    let mut positive: f32 = valences.iter().filter(|v| **v > 0.0).sum();
    let mut negative: f32 = valences.iter().filter(|v| **v < 0.0).map(|v| -v).sum();
    let neutral = valences.iter().filter(|v| **v == 0.0).count() as f32;
    if positive > negative {
        positive += emphasis;
    } else if negative > positive {
        negative += emphasis;
    }
    let total = positive + negative + neutral;
    if total == 0.0 {
        return Polarity {
            compound,
            positive: 0.0,
            neutral: 1.0,
            negative: 0.0,
        };
    }
    Polarity {
        compound,
        positive: positive / total,
        neutral: neutral / total,
        negative: negative / total,
    }
}

/// Every word or phrase of `text` that carries sentiment: its text, the word's own valence (a
/// phrase's is its final one) and its valence after negation, intensifiers and contrast.
pub fn scored_words(text: &str) -> Vec<(String, f32, f32)> {
    let tokens = tokens::tokenize(text);
    score::valences(&tokens)
        .into_iter()
        .zip(&tokens)
        .filter(|(v, _)| *v != 0.0)
        .map(|(v, t)| {
            let own = words::word_valence(&t.lower).map_or(v, |(own, _)| own);
            (t.lower.clone(), own, v)
        })
        .collect()
}

/// The label and score for `text`: positive from compound 0.05, negative from -0.05.
pub fn sentiment(text: &str) -> Sentiment {
    let score = polarity(text).compound;
    let label = if score >= LABEL_THRESHOLD {
        SentimentLabel::Positive
    } else if score <= -LABEL_THRESHOLD {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    };
    Sentiment { label, score }
}

fn normalize(x: f32) -> f32 {
    (x / (x * x + ALPHA).sqrt()).clamp(-1.0, 1.0)
}
