//! The Trends page: volume and negative share per category or product over time (day, week or month), and each group's period against the previous one.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::components::FilterChoices;
use crate::domain::analytics::Period;
use serde::{Deserialize, Serialize};

/// Lines drawn per chart (the largest groups of the period).
pub const TOP: usize = 8;

/// One group's period against the previous one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRow {
    pub label: String,
    /// The Tickets page filtered to this group and the period.
    pub href: String,
    pub tickets: i64,
    pub before: i64,
    /// Negative share of analysed tickets, 0–1 (None: none analysed).
    pub negative: Option<f64>,
    pub negative_before: Option<f64>,
}

impl GroupRow {
    /// "+12%", "−3%", "new" or "—".
    pub fn change(&self) -> String {
        match (self.tickets, self.before) {
            (0, 0) => "—".into(),
            (_, 0) => "new".into(),
            (n, b) => format!("{:+.0}%", (n - b) as f64 * 100.0 / b as f64),
        }
    }

    /// "+4.1 pts" for the negative share, or "—".
    pub fn negative_change(&self) -> String {
        match (self.negative, self.negative_before) {
            (Some(n), Some(b)) => format!("{:+.1} pts", (n - b) * 100.0),
            _ => "—".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    /// None when there are no tickets at all.
    pub period: Option<Period>,
    pub previous: Option<Period>,
    pub choices: FilterChoices,
    /// "category" or "product".
    pub by: String,
    /// "day", "week" or "month".
    pub grain: String,
    /// SVG documents made on the server.
    pub volume_svg: String,
    pub negative_svg: String,
    pub rows: Vec<GroupRow>,
}
