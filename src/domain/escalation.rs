//! An escalation decision as stored and shown: which rules fired, why, and where in the text.

use super::rules::Severity;
use serde::{Deserialize, Serialize};

/// A byte range of the ticket text (subject, newline, body) that a text rule matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSpan {
    pub start: usize,
    pub end: usize,
}

/// One condition that held, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The condition as the admin wrote it, e.g. "keywords: lawyer, chargeback".
    pub condition: String,
    /// What the ticket showed, e.g. "matched \"chargeback\"" or "sentiment -0.81".
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<TextSpan>,
}

/// A rule that fired on a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiredRule {
    pub rule_id: u32,
    pub name: String,
    pub severity: Severity,
    pub queue: String,
    pub reasons: Vec<Reason>,
}

/// Whether a ticket must go to a person, and the rules that said so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub escalate: bool,
    pub rule_version: i32,
    /// The most severe fired rule's severity and queue.
    pub severity: Option<Severity>,
    pub queue: Option<String>,
    pub fired: Vec<FiredRule>,
}

impl Decision {
    /// Every matched span of every fired rule, sorted and merged.
    pub fn spans(&self) -> Vec<TextSpan> {
        let mut all: Vec<TextSpan> = self
            .fired
            .iter()
            .flat_map(|f| f.reasons.iter().flat_map(|r| r.spans.iter().copied()))
            .collect();
        merge(&mut all);
        all
    }
}

/// Sorts spans and merges overlapping ones.
pub fn merge(spans: &mut Vec<TextSpan>) {
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<TextSpan> = Vec::with_capacity(spans.len());
    for s in spans.drain(..) {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    *spans = out;
}

/// Cuts `text` into pieces, each marked or not, for highlighting; spans off char boundaries or
/// past the end are ignored rather than trusted.
pub fn highlight(text: &str, spans: &[TextSpan]) -> Vec<(String, bool)> {
    let mut pieces = Vec::new();
    let mut at = 0;
    for s in spans {
        let valid = s.start >= at
            && s.start < s.end
            && s.end <= text.len()
            && text.is_char_boundary(s.start)
            && text.is_char_boundary(s.end);
        if !valid {
            continue;
        }
        if s.start > at {
            pieces.push((text[at..s.start].to_string(), false));
        }
        pieces.push((text[s.start..s.end].to_string(), true));
        at = s.end;
    }
    if at < text.len() {
        pieces.push((text[at..].to_string(), false));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_marks_spans_and_skips_bad_ones() {
        let text = "Café closed, call my lawyer";
        let spans = [
            TextSpan { start: 0, end: 5 },
            TextSpan { start: 2, end: 4 },
            TextSpan { start: 22, end: 28 },
        ];
        let pieces = highlight(text, &spans);
        assert_eq!(
            pieces,
            vec![
                ("Café".to_string(), true),
                (" closed, call my ".to_string(), false),
                ("lawyer".to_string(), true),
            ]
        );
        let mut merged = vec![TextSpan { start: 5, end: 9 }, TextSpan { start: 1, end: 6 }];
        merge(&mut merged);
        assert_eq!(merged, vec![TextSpan { start: 1, end: 9 }]);
    }
}
