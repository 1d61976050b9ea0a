//! How a ticket sounds: sentiment phrases (strong, mild, negated), escalations, greetings, sign-offs.

use super::vocabulary::{self, Words};

/// Clearly negative: anger, exclamation marks, the odd word in capitals.
pub(crate) const NEGATIVE_STRONG: Words = Words("tone/negative strong");

/// Negative but mild, including negations such as "not happy".
pub(crate) const NEGATIVE_MILD: Words = Words("tone/negative mild");

/// Neutral courtesy lines that carry no opinion.
pub(crate) const NEUTRAL: Words = Words("tone/neutral");

/// Positive: praise and thanks, sometimes negated ("not bad at all", "can't fault").
pub(crate) const POSITIVE: Words = Words("tone/positive");

/// Escalation wording that a calm customer might use.
const ESCALATION_CALM: Words = Words("tone/escalation calm");

/// Escalation wording of an angry customer that fits any category; `escalation angry: <category>`
/// sections hold those that fit one best.
const ESCALATION_ANGRY: Words = Words("tone/escalation angry: any category");

/// Lower-case markers: every escalation sentence contains one, no other sentence does.
#[cfg(test)]
pub(crate) const ESCALATION_MARKERS: &[&str] = &[
    "chargeback",
    "lawyer",
    "legal action",
    "cancel my account",
    "data loss",
    "lost all my data",
    "security breach",
    "hacked",
    "refund immediately",
    "third time i contact",
    "consumer protection",
];

/// Escalation sentences for a ticket: calm ones for non-negative tickets, angry ones (preferring
/// the category's own) for negative ones.
pub(crate) fn escalations(category: usize, negative: bool) -> Vec<&'static str> {
    if !negative {
        return ESCALATION_CALM.to_vec();
    }
    let own = vocabulary::get(&format!(
        "tone/escalation angry: {}",
        super::catalog::CATEGORIES[category]
    ));
    // The category's own phrases count twice, so they are picked more often.
    own.iter()
        .chain(own.iter())
        .chain(ESCALATION_ANGRY.iter())
        .copied()
        .collect()
}

pub(crate) const GREETINGS: Words = Words("tone/greetings");

/// Sign-offs for calm tickets; `{first}` and `{name}` are the customer's.
pub(crate) const SIGN_OFFS: Words = Words("tone/sign offs");

/// Sign-offs for negative tickets.
pub(crate) const SIGN_OFFS_NEGATIVE: Words = Words("tone/sign offs negative");

/// Subject decorations by tone; `{s}` is the plain subject.
pub(crate) const SUBJECT_NEGATIVE: Words = Words("tone/subject negative");

pub(crate) const SUBJECT_POSITIVE: Words = Words("tone/subject positive");

/// Said by a customer who already wrote about the same thing.
pub(crate) const FOLLOW_UPS: Words = Words("tone/follow ups");

#[cfg(test)]
mod tests {
    use super::*;

    fn has_marker(s: &str) -> bool {
        let s = s.to_lowercase();
        ESCALATION_MARKERS.iter().any(|m| s.contains(m))
    }

    #[test]
    fn every_escalation_sentence_has_a_marker_and_nothing_else_does() {
        for c in 0..10 {
            for negative in [true, false] {
                assert!(escalations(c, negative).iter().all(|s| has_marker(s)));
            }
        }
        let calm = [
            NEGATIVE_STRONG,
            NEGATIVE_MILD,
            NEUTRAL,
            POSITIVE,
            FOLLOW_UPS,
        ];
        assert!(calm.iter().flat_map(|b| b.iter()).all(|s| !has_marker(s)));
    }
}
