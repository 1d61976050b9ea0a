//! Picks the passage of a resolved ticket's reply that answers a new ticket, without the other customer's details.

use crate::server::pipeline::text;
use std::collections::HashSet;

/// Openings, thanks, apologies and sign-offs: polite, but never the answer.
const FILLER: &[&str] = &[
    "hi",
    "hello",
    "dear",
    "hey",
    "thank",
    "thanks",
    "i'm sorry",
    "sorry",
    "i am sorry",
    "please accept",
    "i completely understand",
    "i understand",
    "we're really glad",
    "we are glad",
    "best",
    "kind regards",
    "regards",
    "cheers",
    "sincerely",
    "have a",
    "let us know",
    "let me know",
    "hope this",
    "i hope",
];

/// The sentence (or run of two) of `reply` sharing the most topic words with `ticket`; the first
/// substantive sentence when none shares any; None when the reply is only pleasantries. Tokens
/// that look like another customer's data (order numbers, amounts, card digits, e-mail addresses)
/// are replaced with `[…]`.
pub fn best_passage(reply: &str, ticket: &str) -> Option<String> {
    let wanted: HashSet<String> = text::content_words(ticket).collect();
    let candidates: Vec<String> = sentences(reply)
        .into_iter()
        .map(without_greeting)
        .filter(|s| !is_filler(s) && s.split_whitespace().count() >= 4)
        .collect();
    let score = |s: &str| {
        let words: HashSet<String> = text::content_words(s).collect();
        let shared = words.intersection(&wanted).count() as f64;
        shared / (words.len().max(1) as f64).sqrt()
    };
    let mut best: Option<(f64, &str)> = None;
    for s in &candidates {
        let sc = score(s);
        if best.is_none_or(|(b, _)| sc > b) {
            best = Some((sc, s));
        }
    }
    best.map(|(_, s)| mask(s))
}

/// Splits text into sentences at `.`, `!` or `?` followed by whitespace, and at line breaks.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let bytes: Vec<(usize, char)> = line.char_indices().collect();
        for (k, &(i, c)) in bytes.iter().enumerate() {
            let next_is_space = bytes.get(k + 1).is_none_or(|(_, n)| n.is_whitespace());
            if matches!(c, '.' | '!' | '?') && next_is_space {
                let s = line[start..i + c.len_utf8()].trim();
                if !s.is_empty() {
                    out.push(s);
                }
                start = i + c.len_utf8();
            }
        }
        let rest = line[start..].trim();
        if !rest.is_empty() {
            out.push(rest);
        }
    }
    out
}

/// "Hello Ana, the refund was issued." → "The refund was issued."
fn without_greeting(sentence: &str) -> String {
    let lower = sentence.to_lowercase();
    let greeted = ["hi ", "hello ", "dear ", "hey "]
        .iter()
        .any(|g| lower.starts_with(g));
    match sentence.split_once(',') {
        Some((_, rest)) if greeted && !rest.trim().is_empty() => {
            let rest = rest.trim();
            let mut chars = rest.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        }
        _ => sentence.to_string(),
    }
}

fn is_filler(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    FILLER.iter().any(|f| {
        lower.starts_with(f)
            && lower[f.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// Replaces tokens with three or more digits, or an `@`, by `[…]`.
fn mask(sentence: &str) -> String {
    sentence
        .split(' ')
        .map(|token| {
            let digits = token.chars().filter(|c| c.is_ascii_digit()).count();
            if digits >= 3 || token.contains('@') {
                let tail: String = token
                    .chars()
                    .rev()
                    .take_while(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?'))
                    .collect();
                format!("[…]{tail}")
            } else {
                token.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "Hi Maria, I hope you are well. Thanks for reaching out about the Aero Buds. \
        I'm sorry for the trouble this has caused. Your refund of $49.99 for order A-10442 has been \
        issued and should reach your card within 3-5 business days. Best regards, Tom";

    #[test]
    fn takes_the_answer_not_the_pleasantries() {
        let p = best_passage(REPLY, "Where is my refund for the returned earbuds?").unwrap();
        assert_eq!(
            p,
            "Your refund of […] for order […] has been issued and should reach your card within 3-5 business days."
        );
    }

    #[test]
    fn prefers_the_sentence_about_the_ticket() {
        let reply = "Please update the app to the latest version. \
            Your password reset link was sent to ann@example.com just now.";
        let p = best_passage(reply, "I cannot reset my password").unwrap();
        assert_eq!(p, "Your password reset link was sent to […] just now.");
        let p = best_passage(reply, "The app keeps crashing after the update").unwrap();
        assert_eq!(p, "Please update the app to the latest version.");
    }

    #[test]
    fn a_greeting_before_the_answer_is_dropped() {
        let p = best_passage(
            "Hello Ana, the refund was issued and arrives in 5 days.",
            "refund",
        )
        .unwrap();
        assert_eq!(p, "The refund was issued and arrives in 5 days.");
    }

    #[test]
    fn pleasantries_alone_give_nothing() {
        assert_eq!(
            best_passage("Hi Ann,\nThanks a lot!\nBest regards, Tom", "refund"),
            None
        );
        assert_eq!(best_passage("", "refund"), None);
    }
}
