//! TF-IDF over word n-grams and in-word character n-grams, with a bounded vocabulary.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// How the vocabulary is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TfIdfOptions {
    /// Inclusive range of word n-gram lengths; `(1, 2)` is unigrams and bigrams.
    pub word_ngrams: (usize, usize),
    /// Inclusive range of character n-gram lengths, taken inside space-padded words.
    pub char_ngrams: (usize, usize),
    /// Terms found in fewer documents are dropped.
    pub min_df: usize,
    /// The vocabulary keeps at most this many terms, the most frequent by document count.
    pub max_features: usize,
    /// Term frequency as `1 + ln(tf)` instead of the raw count.
    pub sublinear_tf: bool,
}

impl Default for TfIdfOptions {
    fn default() -> Self {
        TfIdfOptions {
            word_ngrams: (1, 2),
            char_ngrams: (2, 5),
            min_df: 2,
            max_features: 20_000,
            sublinear_tf: true,
        }
    }
}

/// A fitted vectoriser: terms, their smoothed idf, and a lookup index rebuilt on load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Stored", into = "Stored")]
pub struct TfIdf {
    options: TfIdfOptions,
    terms: Vec<String>,
    idf: Vec<f32>,
    index: HashMap<String, u32>,
}

/// The serialised form: the index is derived from `terms`, so it is not stored.
#[derive(Serialize, Deserialize)]
struct Stored {
    options: TfIdfOptions,
    terms: Vec<String>,
    idf: Vec<f32>,
}

impl TryFrom<Stored> for TfIdf {
    type Error = String;

    fn try_from(s: Stored) -> Result<Self, String> {
        if s.terms.len() != s.idf.len() {
            return Err(format!(
                "{} terms but {} idf values",
                s.terms.len(),
                s.idf.len()
            ));
        }
        let index = index_of(&s.terms);
        Ok(TfIdf {
            options: s.options,
            terms: s.terms,
            idf: s.idf,
            index,
        })
    }
}

impl From<TfIdf> for Stored {
    fn from(t: TfIdf) -> Self {
        Stored {
            options: t.options,
            terms: t.terms,
            idf: t.idf,
        }
    }
}

/// Maps each term to its position.
fn index_of(terms: &[String]) -> HashMap<String, u32> {
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect()
}

/// Calls `emit` with every term of `text`: `w:` word n-grams, then `c:` character n-grams.
fn for_each_term(text: &str, o: &TfIdfOptions, mut emit: impl FnMut(&str)) {
    let lower = text.to_lowercase();
    let mut buf = String::new();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect();
    for n in o.word_ngrams.0.max(1)..=o.word_ngrams.1 {
        for window in words.windows(n) {
            buf.clear();
            buf.push_str("w:");
            buf.push_str(&window.join(" "));
            emit(&buf);
        }
    }
    for chunk in lower.split_whitespace() {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(chunk.chars())
            .chain(std::iter::once(' '))
            .collect();
        for n in o.char_ngrams.0.max(1)..=o.char_ngrams.1 {
            for window in padded.windows(n) {
                buf.clear();
                buf.push_str("c:");
                buf.extend(window);
                emit(&buf);
            }
        }
    }
}

impl TfIdf {
    /// Learns the vocabulary and idf from `texts`. Ties in document frequency are broken by
    /// term, so the same texts always give the same vocabulary.
    pub fn fit(texts: &[&str], options: &TfIdfOptions) -> TfIdf {
        let mut df: HashMap<String, u32> = HashMap::new();
        for text in texts {
            let mut seen: HashSet<String> = HashSet::new();
            for_each_term(text, options, |t| {
                if !seen.contains(t) {
                    seen.insert(t.to_string());
                }
            });
            for term in seen {
                *df.entry(term).or_insert(0) += 1;
            }
        }
        let mut kept: Vec<(String, u32)> = df
            .into_iter()
            .filter(|(_, d)| *d as usize >= options.min_df.max(1))
            .collect();
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kept.truncate(options.max_features);
        let n = texts.len() as f32;
        let idf = kept
            .iter()
            .map(|(_, d)| ((1.0 + n) / (1.0 + *d as f32)).ln() + 1.0)
            .collect();
        let terms: Vec<String> = kept.into_iter().map(|(t, _)| t).collect();
        let index = index_of(&terms);
        TfIdf {
            options: options.clone(),
            terms,
            idf,
            index,
        }
    }

    /// The vocabulary size, which is the length of every transformed vector.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when no term survived `min_df`.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The term at a feature index (`w:` or `c:` prefixed), for explaining a model.
    pub fn term(&self, index: u32) -> Option<&str> {
        self.terms.get(index as usize).map(String::as_str)
    }

    /// The L2-normalised TF-IDF vector of `text` as `(feature index, weight)`, sorted by index.
    /// Text with no known term gives an empty vector.
    pub fn transform(&self, text: &str) -> Vec<(u32, f32)> {
        let mut counts: BTreeMap<u32, u32> = BTreeMap::new();
        for_each_term(text, &self.options, |t| {
            if let Some(&i) = self.index.get(t) {
                *counts.entry(i).or_insert(0) += 1;
            }
        });
        let mut row: Vec<(u32, f32)> = counts
            .into_iter()
            .map(|(i, c)| {
                let tf = if self.options.sublinear_tf {
                    1.0 + (c as f32).ln()
                } else {
                    c as f32
                };
                (i, tf * self.idf[i as usize])
            })
            .collect();
        let norm = row.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|(_, v)| *v /= norm);
        }
        row
    }
}

#[cfg(test)]
#[path = "tfidf_tests.rs"]
mod tests;
