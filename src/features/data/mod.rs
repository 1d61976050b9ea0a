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

/// The note an interrupted import gets when it is resumed (then "… as import #N").
pub const RESUMED: &str = "interrupted; resumed";

impl ImportSummary {
    /// The state the list of imports shows.
    pub fn state(&self) -> &'static str {
        match &self.failure {
            _ if self.interrupted => "interrupted",
            Some(f) if f.starts_with(RESUMED) => "resumed",
            Some(_) => "failed",
            None if self.finished => "done",
            None => "running",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_import_is_listed_as_resumed_not_failed() {
        let mut i = ImportSummary {
            id: 1,
            file_name: "x.csv".into(),
            format: "mapped".into(),
            source: "x".into(),
            started_at: Utc::now(),
            finished: false,
            rows_read: 0,
            inserted: 0,
            duplicates: 0,
            messages: 0,
            skipped: 0,
            failure: None,
            interrupted: false,
            resumable: false,
            reasons: Vec::new(),
        };
        assert_eq!(i.state(), "running");
        i.interrupted = true;
        assert_eq!(i.state(), "interrupted");
        i.interrupted = false;
        i.finished = true;
        assert_eq!(i.state(), "done");
        i.failure = Some(format!("{RESUMED} as import #2"));
        assert_eq!(i.state(), "resumed");
        i.failure = Some("the database went away".into());
        assert_eq!(i.state(), "failed");
    }
}
