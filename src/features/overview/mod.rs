//! The Overview page: the period's headline figures against the period before, the volume trend and breakdowns, all read from the rollups under the global filters.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::components::FilterChoices;
use crate::domain::analytics::Period;
use serde::{Deserialize, Serialize};

/// Counts of one breakdown, e.g. tickets per channel.
pub type Breakdown = Vec<(String, i64)>;

/// One headline figure: its value and how it moved against the previous period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub value: String,
    /// E.g. "+12% vs the previous 30 days"; None when the previous period has no data.
    pub change: Option<String>,
    /// Whether the move is good news (None: neutral, such as volume).
    pub better: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// None when there are no tickets at all.
    pub period: Option<Period>,
    pub previous: Option<Period>,
    pub figures: Vec<Figure>,
    pub by_channel: Breakdown,
    pub by_priority: Breakdown,
    pub by_category: Breakdown,
    /// The daily volume line chart, as an SVG document made on the server.
    pub volume_svg: String,
    pub choices: FilterChoices,
    /// Alerts reaching into the last days of the period (see the Alerts page).
    pub alerts: Vec<crate::features::alerts::AlertView>,
}
