//! Folds ticket text and keywords alike (case, accents, spacing) for matching, maps matches back to the original, and reads word boundaries and negators.

use std::ops::Range;

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// How many words before a keyword hit are searched for a negator.
const NEGATION_WINDOW: usize = 3;
/// Words that negate a keyword following within [`NEGATION_WINDOW`] words.
const NEGATORS: &[&str] = &[
    "not", "no", "never", "without", "isnt", "isn't", "wasnt", "wasn't", "arent", "aren't", "dont",
    "don't", "doesnt", "doesn't", "didnt", "didn't", "wont", "won't", "cannot", "can't", "hardly",
    "nothing",
];

/// Text folded for matching (lowercase, accents stripped, e.g. "Ürgent CAFÉ" -> "urgent cafe"),
/// with a map back to byte offsets in the original.
///
/// Every run of whitespace (including newlines and non-breaking spaces) becomes one `' '`, and
/// typographic apostrophes (`’`, `‘`) become `'`, so "don’t" folds like "don't".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// Folded byte offset -> original byte offset, `text.len() + 1` entries; `None` means identity.
    map: Option<Vec<usize>>,
}

/// Whether an ASCII byte is whitespace in the sense of `char::is_whitespace`.
fn is_ascii_ws(b: u8) -> bool {
    b == b' ' || (9..=13).contains(&b)
}

/// Whether a char is dropped while folding (a combining mark such as an accent).
fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c) || is_combining_mark(c)
}

/// Folds `original` for matching; see [`Folded`].
///
/// ASCII text without whitespace runs takes a fast path with an identity offset map.
pub fn fold(original: &str) -> Folded {
    if original.is_ascii() {
        let bytes = original.as_bytes();
        let other_ws = bytes.iter().any(|&b| b != b' ' && is_ascii_ws(b));
        let ws_run = |w: &[u8]| is_ascii_ws(w[0]) && is_ascii_ws(w[1]);
        if !other_ws && !original.contains("  ") {
            return Folded {
                text: original.to_ascii_lowercase(),
                map: None,
            };
        } else if !bytes.windows(2).any(ws_run) {
            let text = original.to_ascii_lowercase();
            let text = text.replace(|c: char| c != ' ' && is_ascii_ws(c as u8), " ");
            return Folded { text, map: None };
        }
    }
    fold_general(original)
}

/// The general folding path: NFD, drop marks, lowercase, collapse whitespace, with an offset map.
fn fold_general(original: &str) -> Folded {
    let mut text = String::with_capacity(original.len());
    let mut map = Vec::with_capacity(original.len() + 1);
    let mut in_ws = false;
    for (at, c) in original.char_indices() {
        if c.is_whitespace() {
            if !in_ws {
                text.push(' ');
                map.push(at);
            }
            in_ws = true;
            continue;
        }
        in_ws = false;
        if c.is_ascii() {
            text.push(c.to_ascii_lowercase());
            map.push(at);
            continue;
        }
        let mut push = |o: char| {
            let o = if o == '\u{2019}' || o == '\u{2018}' {
                '\''
            } else {
                o
            };
            text.push(o);
            map.resize(text.len(), at);
        };
        decompose_canonical(c, |d| {
            if !is_mark(d) {
                d.to_lowercase()
                    .filter(|&l| !is_mark(l))
                    .for_each(&mut push);
            }
        });
    }
    map.push(original.len());
    Folded {
        text,
        map: Some(map),
    }
}

/// Folds a keyword the same way as [`fold`], collapsing whitespace runs to one space and trimming.
pub fn fold_term(term: &str) -> String {
    let folded = fold(term).text;
    folded.trim().to_owned()
}

impl Folded {
    /// The original byte range for a folded byte range.
    ///
    /// The result always lies on char boundaries of the original; an end falling inside the
    /// folded output of one original char is extended to the end of that char. Out-of-range
    /// arguments are clamped.
    pub fn original_range(&self, start: usize, end: usize) -> Range<usize> {
        let end = end.min(self.text.len());
        let start = start.min(end);
        let Some(map) = &self.map else {
            return start..end;
        };
        let s = map[start];
        if end == start {
            return s..s;
        }
        let last = map[end - 1];
        let mut k = end;
        while k < self.text.len() && map[k] == last {
            k += 1;
        }
        s..map[k]
    }

    /// Whether folded `text[start..end]` is neither preceded nor followed by an alphanumeric char.
    pub(crate) fn is_whole_word(&self, start: usize, end: usize) -> bool {
        let text = self.text.as_str();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    }

    /// Whether a negator is among the [`NEGATION_WINDOW`] words before folded offset `start`,
    /// not crossing clause punctuation or a line break (seen in `original`, the unfolded text).
    pub(crate) fn is_negated(&self, original: &str, start: usize) -> bool {
        let text = self.text.as_str();
        let mut pos = start;
        for _ in 0..NEGATION_WINDOW {
            loop {
                let Some(c) = text[..pos].chars().next_back() else {
                    return false;
                };
                if is_word_char(c) {
                    break;
                }
                if matches!(c, '.' | ',' | ';' | ':' | '!' | '?') {
                    return false;
                }
                if c == ' ' {
                    let gap = original.get(self.original_range(pos - 1, pos));
                    if gap.is_some_and(|g| g.contains(['\n', '\r', '\u{2028}', '\u{2029}'])) {
                        return false;
                    }
                }
                pos -= c.len_utf8();
            }
            let end = pos;
            while let Some(c) = text[..pos].chars().next_back().filter(|&c| is_word_char(c)) {
                pos -= c.len_utf8();
            }
            let word = text[pos..end].trim_matches('\'');
            if NEGATORS.contains(&word) {
                return true;
            }
        }
        false
    }
}

/// A char that can be part of a word ("isn't" is one word).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\''
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;
