//! The Alerts page: spikes per category, product and product × category, recurring (growing) issues and new clusters, each with its days, size and tickets.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use crate::domain::alerts::{AlertView, CURRENT_DAYS};

use crate::components::FilterChoices;
use crate::domain::analytics::Period;

use serde::{Deserialize, Serialize};

/// What the Alerts page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alerts {
    /// None when there are no tickets at all.
    pub period: Option<Period>,
    pub choices: FilterChoices,
    /// Alerts that reach into the last `CURRENT_DAYS` days of the period.
    pub current: Vec<AlertView>,
    /// The period's other alerts.
    pub earlier: Vec<AlertView>,
    /// When detection last finished, and whether a run is queued or running.
    pub last_run: Option<String>,
    pub running: bool,
}
