//! Turns a ticket's facts (category, sentiment, escalation, channel) into a subject and a body.

use super::phrasing::TEXTS;
use super::slots::Slots;
use super::tone;
use super::vocabulary::one;
use crate::domain::{Channel, SentimentLabel};
use rand::Rng;

/// What the text has to express.
pub(crate) struct Voice {
    pub category: usize,
    pub sentiment: SentimentLabel,
    pub escalate: bool,
    pub follow_up: bool,
    /// The incident cause sentences, for incident tickets.
    pub causes: Option<&'static [&'static str]>,
    pub channel: Channel,
}

/// The subject line.
pub(crate) fn subject(rng: &mut impl Rng, voice: &Voice, slots: &Slots) -> String {
    let plain = slots.fill(one(rng, &TEXTS[voice.category].subjects));
    let decoration = match voice.sentiment {
        SentimentLabel::Negative if voice.escalate && rng.gen_bool(0.5) => "URGENT: {s}",
        SentimentLabel::Negative if rng.gen_bool(0.3) => one(rng, &tone::SUBJECT_NEGATIVE),
        SentimentLabel::Positive if rng.gen_bool(0.3) => one(rng, &tone::SUBJECT_POSITIVE),
        _ => "{s}",
    };
    decoration.replace("{s}", &plain)
}

/// The body: 1 to 5 sentences, with a greeting and sign-off depending on the channel.
pub(crate) fn body(rng: &mut impl Rng, voice: &Voice, slots: &Slots) -> String {
    let text = TEXTS[voice.category];
    // (keep-rank, sentence): when there are more than five, the highest ranks are dropped first.
    let mut parts: Vec<(u8, String)> = Vec::with_capacity(8);
    let mut opener = slots.fill(one(rng, &text.openers));
    let strong = rng.gen_bool(0.45);
    let negative = voice.sentiment == SentimentLabel::Negative;
    if negative && strong && rng.gen_bool(0.35) && opener.ends_with('.') {
        opener.pop();
        opener.push('!');
    }
    let tone_bank = if strong {
        tone::NEGATIVE_STRONG
    } else {
        tone::NEGATIVE_MILD
    };
    match voice.sentiment {
        SentimentLabel::Negative => {
            let first = rng.gen_bool(0.25);
            if first {
                parts.push((0, slots.fill(one(rng, &tone_bank))));
            }
            parts.push((0, opener));
            if rng.gen_bool(0.5) {
                parts.push((4, slots.fill(one(rng, &text.details))));
            }
            add_context(rng, voice, slots, &mut parts);
            if !first {
                parts.push((0, slots.fill(one(rng, &tone_bank))));
            }
            if rng.gen_bool(0.2) {
                parts.push((5, slots.fill(one(rng, &tone::NEGATIVE_MILD))));
            }
            if rng.gen_bool(0.5) {
                parts.push((3, slots.fill(one(rng, &text.asks))));
            }
        }
        SentimentLabel::Neutral => {
            parts.push((0, opener));
            if rng.gen_bool(0.6) {
                parts.push((4, slots.fill(one(rng, &text.details))));
            }
            add_context(rng, voice, slots, &mut parts);
            if rng.gen_bool(0.35) {
                parts.push((5, slots.fill(one(rng, &tone::NEUTRAL))));
            }
            if rng.gen_bool(0.75) {
                parts.push((3, slots.fill(one(rng, &text.asks))));
            }
        }
        SentimentLabel::Positive => {
            let praise = slots.fill(one(rng, &tone::POSITIVE));
            let praise_first = rng.gen_bool(0.7);
            if praise_first {
                parts.push((0, praise.clone()));
            }
            parts.push((0, opener));
            if rng.gen_bool(0.3) {
                parts.push((4, slots.fill(one(rng, &text.details))));
            }
            add_context(rng, voice, slots, &mut parts);
            if rng.gen_bool(0.8) {
                parts.push((3, slots.fill(one(rng, &text.asks))));
            }
            if !praise_first {
                parts.push((0, praise));
            }
        }
    }
    if voice.escalate {
        let bank = tone::escalations(voice.category, negative);
        parts.push((0, one(rng, &bank).to_string()));
    }
    let max = if voice.channel == Channel::Social {
        3
    } else {
        5
    };
    while parts.len() > max {
        let drop = (0..parts.len()).max_by_key(|&i| (parts[i].0, i));
        match drop {
            Some(i) if parts[i].0 > 0 => {
                parts.remove(i);
            }
            _ => break,
        }
    }
    let sentences: Vec<&str> = parts.iter().map(|(_, s)| s.as_str()).collect();
    frame(rng, voice, slots, &sentences.join(" "))
}

/// Follow-up remark and incident cause, when they apply.
fn add_context(rng: &mut impl Rng, voice: &Voice, slots: &Slots, parts: &mut Vec<(u8, String)>) {
    if voice.follow_up && voice.sentiment != SentimentLabel::Positive {
        parts.push((2, slots.fill(one(rng, &tone::FOLLOW_UPS))));
    }
    if let Some(causes) = voice.causes {
        parts.push((1, slots.fill(one(rng, causes))));
    }
}

/// Greeting and sign-off as the channel suggests (e-mails have them most, phone notes never).
fn frame(rng: &mut impl Rng, voice: &Voice, slots: &Slots, text: &str) -> String {
    let (greet, sign) = match voice.channel {
        Channel::Email => (0.7, 0.6),
        Channel::Web => (0.4, 0.3),
        Channel::Chat => (0.3, 0.1),
        Channel::Phone => return format!("Call transcript: {text}"),
        Channel::Social => return format!("@HalcyonHelp {text}"),
    };
    let mut out = String::with_capacity(text.len() + 48);
    if rng.gen_bool(greet) {
        out.push_str(one(rng, &tone::GREETINGS));
        out.push_str("\n\n");
    }
    out.push_str(text);
    if rng.gen_bool(sign) {
        let bank = if voice.sentiment == SentimentLabel::Negative {
            tone::SIGN_OFFS_NEGATIVE
        } else {
            tone::SIGN_OFFS
        };
        out.push_str("\n\n");
        out.push_str(&slots.fill(one(rng, &bank)));
    }
    out
}
