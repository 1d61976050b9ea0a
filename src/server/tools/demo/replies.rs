//! The agents' answers on resolved tickets: polite, category-specific, addressed by first name.

use super::slots::Slots;
use super::vocabulary::{one, Words};
use crate::domain::SentimentLabel;
use rand::Rng;

const OPENINGS: Words = Words("replies/openings");

const THANKS: Words = Words("replies/thanks");

const APOLOGIES: Words = Words("replies/apologies");

const KIND_WORDS: Words = Words("replies/kind words");

/// Resolutions per category, in [`super::catalog::CATEGORIES`] order.
const RESOLUTIONS: [Words; 10] = [
    Words("replies/resolution: billing"),
    Words("replies/resolution: refund"),
    Words("replies/resolution: shipping"),
    Words("replies/resolution: account access"),
    Words("replies/resolution: connectivity"),
    Words("replies/resolution: hardware defect"),
    Words("replies/resolution: software bug"),
    Words("replies/resolution: setup"),
    Words("replies/resolution: feature request"),
    Words("replies/resolution: cancellation"),
];

const CLOSINGS: Words = Words("replies/closings");

const SIGNATURES: Words = Words("replies/signatures");

/// The reply to a resolved ticket; `explanation` is the incident's cause, when there is one.
pub(crate) fn reply(
    rng: &mut impl Rng,
    category: usize,
    sentiment: SentimentLabel,
    explanation: Option<&str>,
    slots: &Slots,
) -> String {
    let mut middle = vec![one(rng, &THANKS)];
    match sentiment {
        SentimentLabel::Negative => middle.push(one(rng, &APOLOGIES)),
        SentimentLabel::Positive => middle.push(one(rng, &KIND_WORDS)),
        SentimentLabel::Neutral => {}
    }
    if let Some(text) = explanation {
        middle.push(text);
    }
    middle.push(one(rng, &RESOLUTIONS[category]));
    middle.push(one(rng, &CLOSINGS));
    let text: Vec<String> = middle.iter().map(|s| slots.fill(s)).collect();
    format!(
        "{}\n\n{}\n\n{}",
        slots.fill(one(rng, &OPENINGS)),
        text.join(" "),
        slots.fill(one(rng, &SIGNATURES))
    )
}
