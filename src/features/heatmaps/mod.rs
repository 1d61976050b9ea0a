//! The Heatmaps page: where tickets concentrate (product × category, weekday × hour, channel × priority), each cell a link to its tickets.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::components::FilterChoices;
use crate::domain::analytics::Period;
use serde::{Deserialize, Serialize};

/// The measures a product × category or channel × priority cell can show.
pub const MEASURES: [(&str, &str); 3] = [
    ("count", "Tickets"),
    ("negative", "Negative share"),
    ("escalated", "Escalation rate"),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heatmaps {
    /// None when there are no tickets at all.
    pub period: Option<Period>,
    pub choices: FilterChoices,
    /// One of `MEASURES`' keys.
    pub measure: String,
    /// SVG documents made on the server.
    pub product_category: String,
    pub weekday_hour: String,
    pub channel_priority: String,
}
