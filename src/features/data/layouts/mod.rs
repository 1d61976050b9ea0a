//! The Data page's layouts: every way TicketLens reads a file (built-in and saved), with JSON
//! export and import, rename and delete of the saved ones.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutSummary {
    pub name: String,
    pub builtin: bool,
    /// (field label, column) for every mapped field, in the fields' order.
    pub fields: Vec<(String, String)>,
    /// Columns of the header it was made for.
    pub columns: usize,
    /// Value maps it holds (vocabulary value → TicketLens value).
    pub value_maps: usize,
    pub updated_at: Option<DateTime<Utc>>,
}
