//! Per-token valences: lookups, phrases, negation, intensifiers, caps and "but" weighting.

use super::rules::{self, BOOST, CAPS, NEGATE, WINDOW};
use super::tokens::Token;
use super::words;

/// Weight of the clause before a contrast word ("but") and of everything after it.
const BEFORE_CONTRAST: f32 = 0.5;
const AFTER_CONTRAST: f32 = 1.5;
/// How much of an intensifier's boost is left one and two words further back.
const DECAY: [f32; WINDOW] = [1.0, 0.95, 0.9];

/// Valence of every token after all word-level rules; 0 for tokens that carry no sentiment.
pub fn valences(tokens: &[Token]) -> Vec<f32> {
    let mut scorer = Scorer {
        tokens,
        shouting: is_mixed_case(tokens),
        out: vec![0.0; tokens.len()],
        in_phrase: vec![false; tokens.len()],
    };
    let mut i = 0;
    while i < tokens.len() {
        if let Some((len, v)) = phrase_at(tokens, i) {
            scorer.in_phrase[i..i + len].fill(true);
            scorer.out[i + len - 1] = scorer.adjust(v, i, i + len - 1);
            i += len;
            continue;
        }
        if let Some((v, stretched)) = scorer.own_valence(i) {
            let v = if stretched { v + BOOST * v.signum() } else { v };
            scorer.out[i] = scorer.adjust(v, i, i);
        }
        i += 1;
    }
    weigh_contrast(tokens, &scorer.in_phrase, &mut scorer.out);
    scorer.out
}

/// Extra magnitude from "!" (up to four) and from repeated "?".
pub fn punctuation_emphasis(text: &str) -> f32 {
    let bangs = text.matches('!').count().min(4) as f32 * 0.292;
    let questions = match text.matches('?').count() {
        0 | 1 => 0.0,
        n @ 2..=3 => n as f32 * 0.18,
        _ => 0.96,
    };
    bangs + questions
}

struct Scorer<'a> {
    tokens: &'a [Token],
    shouting: bool,
    out: Vec<f32>,
    in_phrase: Vec<bool>,
}

impl Scorer<'_> {
    /// The token's own valence, unless it is a negator or works as a modifier here.
    fn own_valence(&self, i: usize) -> Option<(f32, bool)> {
        let word = self.tokens[i].lower.as_str();
        if rules::is_negator(word) {
            return None;
        }
        let next = self
            .tokens
            .get(i + 1)
            .filter(|n| n.clause == self.tokens[i].clause);
        let before = i.checked_sub(1).map(|b| self.tokens[b].lower.as_str());
        let next_scores = next.is_some_and(|n| words::word_valence(&n.lower).is_some());
        let next_is_of = next.is_some_and(|n| n.lower == "of");
        if (matches!(word, "kind" | "sort") && next_is_of)
            || (rules::modifier(word, before).is_some() && next_scores)
        {
            return None;
        }
        words::word_valence(word)
    }

    /// Applies caps emphasis, the intensifiers and negators in the window before `start`
    /// to the valence `v` of the word or phrase `start..=head`.
    fn adjust(&self, mut v: f32, start: usize, head: usize) -> f32 {
        let sign = v.signum();
        if self.shouting && self.tokens[head].shouted {
            v += CAPS * sign;
        }
        if !self.tokens[head].lower.chars().any(char::is_alphabetic) {
            return v; // emoji and emoticons stand on their own: no negation or boost
        }
        let mut negated = false;
        for (k, decay) in DECAY.iter().enumerate() {
            let Some(j) = start.checked_sub(k + 1) else {
                break;
            };
            let t = &self.tokens[j];
            if t.clause != self.tokens[start].clause {
                break;
            }
            if self.in_phrase[j] || self.out[j] != 0.0 {
                continue;
            }
            let before = j.checked_sub(1).map(|b| self.tokens[b].lower.as_str());
            if let Some(boost) = rules::modifier(&t.lower, before) {
                let caps = if self.shouting && t.shouted && boost > 0.0 {
                    CAPS
                } else {
                    0.0
                };
                v += (boost + caps) * decay * sign;
            }
            let least = t.lower == "least" && !matches!(before, Some("at" | "very"));
            negated |= rules::is_negator(&t.lower) || least;
        }
        if negated {
            v * NEGATE
        } else {
            v
        }
    }
}

/// Longest phrase from the table starting at token `i`, within one clause: (words, valence).
fn phrase_at(tokens: &[Token], i: usize) -> Option<(usize, f32)> {
    (2..=words::MAX_PHRASE_WORDS).rev().find_map(|len| {
        let span = tokens.get(i..i + len)?;
        if span.iter().any(|t| t.clause != span[0].clause) {
            return None;
        }
        let phrase: Vec<&str> = span.iter().map(|t| t.lower.as_str()).collect();
        words::valence(&phrase.join(" ")).map(|v| (len, v))
    })
}

/// Whether some words are ALL CAPS and others are not (shouting only stands out then).
fn is_mixed_case(tokens: &[Token]) -> bool {
    let worded = || {
        tokens
            .iter()
            .filter(|t| t.lower.chars().any(char::is_alphabetic))
    };
    worded().any(|t| t.shouted) && worded().any(|t| !t.shouted)
}

/// Halves what comes before the first contrast word and strengthens what follows it.
fn weigh_contrast(tokens: &[Token], in_phrase: &[bool], out: &mut [f32]) {
    let found = tokens
        .iter()
        .zip(in_phrase)
        .position(|(t, &p)| !p && rules::is_contrast(&t.lower));
    if let Some(c) = found {
        out[..c].iter_mut().for_each(|v| *v *= BEFORE_CONTRAST);
        out[c + 1..].iter_mut().for_each(|v| *v *= AFTER_CONTRAST);
    }
}
