//! The Conversations page: which way conversations moved from the first to the latest customer message, how long they ran and how many replies they took, by category, product, channel and agent, each figure a link to its tickets.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::components::FilterChoices;
use crate::domain::analytics::Period;
use serde::{Deserialize, Serialize};

/// A share of conversations with the link to them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub n: i64,
    /// Of the group's conversations (0 to 1); None when it has none.
    pub share: Option<f64>,
    pub href: String,
}

/// The conversation figures of a set of tickets (the whole period, or one group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvFigures {
    pub label: String,
    pub tickets: i64,
    pub tickets_href: String,
    /// Tickets with two or more scored customer messages.
    pub conversations: i64,
    pub improved: Share,
    pub stayed: Share,
    pub worsened: Share,
    /// Mean change from the first to the latest customer message (-2..2).
    pub mean_shift: Option<f64>,
    /// Customer and agent messages per ticket.
    pub messages_per_ticket: Option<f64>,
    /// Agent replies until resolution, per resolved ticket.
    pub replies_until_resolved: Option<f64>,
}

/// Tickets by how many messages they hold (1, 2, 3, 4, 5 or more).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LengthBar {
    pub label: String,
    pub n: i64,
    pub href: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conversations {
    /// None when there are no tickets at all.
    pub period: Option<Period>,
    pub choices: FilterChoices,
    pub total: Option<ConvFigures>,
    pub lengths: Vec<LengthBar>,
    pub by_category: Vec<ConvFigures>,
    pub by_product: Vec<ConvFigures>,
    pub by_channel: Vec<ConvFigures>,
    pub by_agent: Vec<ConvFigures>,
    /// Mean shift by category × agent, an SVG document made on the server.
    pub shift_heatmap: String,
}
