//! The Data page (admins): upload a file, read each import's report with its bad rows, and
//! manage the layouts files are read with.

pub mod api;
pub mod layouts;
pub mod mapping;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub id: i64,
    pub file_name: String,
    pub format: String,
    pub source: String,
    pub started_at: DateTime<Utc>,
    pub finished: bool,
    pub rows_read: i64,
    pub inserted: i64,
    pub duplicates: i64,
    /// Messages stored beside the tickets (threads).
    pub messages: i64,
    pub skipped: i64,
    pub failure: Option<String>,
    /// Stopped without finishing (its process died); `resumable` when its file was uploaded here.
    pub interrupted: bool,
    pub resumable: bool,
    /// Why rows were skipped, with counts, most frequent first.
    pub reasons: Vec<(String, i64)>,
}

/// One import with the first of its bad rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportDetail {
    pub summary: ImportSummary,
    pub errors: Vec<(i64, String)>,
    /// Tickets of the import's source with a gold sentiment label, and with a category.
    pub sentiment_labels: i64,
    pub category_labels: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataOverview {
    pub imports: Vec<ImportSummary>,
    pub selected: Option<ImportDetail>,
    /// Built-in and saved layouts, for the upload form and the layouts list.
    pub layouts: Vec<layouts::LayoutSummary>,
}
