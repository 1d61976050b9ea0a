//! The Overview page: real figures from the database and the ticket volume chart.

pub mod api;
pub mod page;

use serde::{Deserialize, Serialize};

/// Counts of one breakdown, e.g. tickets per channel.
pub type Breakdown = Vec<(String, i64)>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub total: i64,
    pub open: i64,
    pub last_30_days: i64,
    pub previous_30_days: i64,
    pub avg_csat: Option<f64>,
    pub by_channel: Breakdown,
    pub by_priority: Breakdown,
    pub by_status: Breakdown,
    /// The daily volume line chart, as an SVG document made on the server.
    pub volume_svg: String,
}
