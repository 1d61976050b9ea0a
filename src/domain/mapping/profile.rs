//! What a column's sample values look like (dates, e-mails, long text, small vocabularies), for
//! suggesting the field it feeds.

use super::field::{parse_flag, Field};
use super::time;
use std::collections::HashSet;

/// A column of an uploaded file: its name and the values of its first rows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColumnSample {
    pub name: String,
    pub values: Vec<String>,
}

/// Shares of the filled sample values with each property, 0 to 1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub filled: usize,
    /// Distinct filled values over filled values.
    pub unique: f32,
    pub distinct: usize,
    pub mean_chars: f32,
    pub mean_words: f32,
    pub times: f32,
    pub emails: f32,
    pub ratings: f32,
    pub flags: f32,
    /// Short tokens without spaces (ids, handles, codes).
    pub tokens: f32,
    /// Two-letter lowercase codes (language tags).
    pub language_codes: f32,
    /// One or two capitalised words (people's names).
    pub names: f32,
    /// Share read by each vocabulary field's own spellings: channel, priority, status, sentiment.
    pub vocab: [f32; 4],
}

pub const VOCAB_FIELDS: [Field; 4] = [
    Field::Channel,
    Field::Priority,
    Field::Status,
    Field::Sentiment,
];

impl Profile {
    pub fn of(values: &[String]) -> Profile {
        let filled: Vec<&str> = values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let n = filled.len();
        if n == 0 {
            return Profile::default();
        }
        let share =
            |p: &dyn Fn(&str) -> bool| filled.iter().filter(|v| p(v)).count() as f32 / n as f32;
        let distinct = filled.iter().collect::<HashSet<_>>().len();
        let time_format = time::guess_format(&filled).and_then(|g| g.format);
        let mut vocab = [0.0; 4];
        for (slot, field) in vocab.iter_mut().zip(VOCAB_FIELDS) {
            *slot = share(&|v| field.accepts(v));
        }
        Profile {
            filled: n,
            unique: distinct as f32 / n as f32,
            distinct,
            mean_chars: filled.iter().map(|v| v.chars().count()).sum::<usize>() as f32 / n as f32,
            mean_words: filled
                .iter()
                .map(|v| v.split_whitespace().count())
                .sum::<usize>() as f32
                / n as f32,
            times: share(&|v| {
                // Small integers are not times, whatever a format says.
                v.len() >= 8 && time::read_time(v, time_format.as_deref()).is_some()
            }),
            emails: share(&is_email),
            ratings: share(&|v| {
                v.parse::<f64>()
                    .is_ok_and(|r| (1.0..=5.0).contains(&r) && r.fract() == 0.0)
            }),
            flags: share(&|v| parse_flag(v).is_some()),
            tokens: share(&|v| v.len() <= 40 && !v.contains(char::is_whitespace)),
            language_codes: share(&|v| v.len() == 2 && v.chars().all(|c| c.is_ascii_lowercase())),
            names: share(&|v| {
                let words: Vec<&str> = v.split_whitespace().collect();
                (1..=3).contains(&words.len())
                    && words
                        .iter()
                        .all(|w| w.chars().next().is_some_and(char::is_uppercase))
                    && !v.contains('@')
                    && !v.chars().any(|c| c.is_ascii_digit())
            }),
            vocab,
        }
    }

    /// Share of the sample one vocabulary field reads.
    pub fn vocab_share(&self, field: Field) -> f32 {
        VOCAB_FIELDS
            .iter()
            .position(|f| *f == field)
            .map_or(0.0, |i| self.vocab[i])
    }
}

/// `local@domain.tld`, no spaces: enough to tell an e-mail column from the others.
pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.contains(char::is_whitespace)
        && !domain.contains('@')
}
