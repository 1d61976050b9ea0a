//! The label mix: sentiment per category, escalation, priority and channel shares.

use super::calendar::pick;
use crate::domain::{Channel, Priority, SentimentLabel};
use rand::Rng;

/// Chance (negative, neutral, positive) per category, in [`super::CATEGORIES`] order.
const SENTIMENT: [[f64; 3]; 10] = [
    [55.0, 38.0, 7.0],
    [59.0, 35.0, 6.0],
    [54.0, 38.0, 8.0],
    [51.0, 41.0, 8.0],
    [54.0, 38.0, 8.0],
    [57.0, 36.0, 7.0],
    [51.0, 40.0, 9.0],
    [34.0, 46.0, 20.0],
    [11.0, 44.0, 45.0],
    [41.0, 50.0, 9.0],
];
const SENTIMENT_INCIDENT: [f64; 3] = [70.0, 27.0, 3.0];
const LABELS: [SentimentLabel; 3] = [
    SentimentLabel::Negative,
    SentimentLabel::Neutral,
    SentimentLabel::Positive,
];
const CHANNELS: [(Channel, f64); 5] = [
    (Channel::Email, 40.0),
    (Channel::Chat, 25.0),
    (Channel::Web, 17.0),
    (Channel::Phone, 12.0),
    (Channel::Social, 6.0),
];
const PRIORITIES: [Priority; 4] = [
    Priority::Low,
    Priority::Medium,
    Priority::High,
    Priority::Urgent,
];
/// The gold labels and routing of one ticket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Labels {
    pub sentiment: SentimentLabel,
    pub escalate: bool,
    pub priority: Priority,
    pub channel: Channel,
}

impl Labels {
    /// Draws the labels of a ticket in `category`; follow-ups and incident tickets are angrier.
    /// Escalation is mostly negative; escalated tickets are high or urgent priority.
    pub fn draw(rng: &mut impl Rng, category: usize, follow_up: bool, incident: bool) -> Labels {
        let mut weights = if incident {
            SENTIMENT_INCIDENT
        } else {
            SENTIMENT[category]
        };
        if follow_up {
            weights[0] *= 2.0;
        }
        let sentiment = LABELS[pick(rng, &weights)];
        let escalate = match sentiment {
            SentimentLabel::Negative => rng.gen_bool(if follow_up { 0.15 } else { 0.075 }),
            SentimentLabel::Neutral => rng.gen_bool(0.012),
            SentimentLabel::Positive => false,
        };
        let priority_weights = match sentiment {
            _ if escalate => [0.0, 10.0, 45.0, 45.0],
            SentimentLabel::Negative => [17.0, 38.0, 30.0, 15.0],
            SentimentLabel::Neutral => [32.0, 43.0, 20.0, 5.0],
            SentimentLabel::Positive => [40.0, 45.0, 13.0, 2.0],
        };
        let priority = PRIORITIES[pick(rng, &priority_weights)];
        let channel = CHANNELS[pick(rng, &CHANNELS.map(|(_, w)| w))].0;
        Labels {
            sentiment,
            escalate,
            priority,
            channel,
        }
    }
}
