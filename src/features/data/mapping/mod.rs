//! The mapping screen: an uploaded file's columns with sample values and suggested fields, value
//! maps for vocabulary columns, date format and zone, and a preview before anything is written.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingScreen {
    pub upload_id: i64,
    pub file_name: String,
    /// "csv (UTF-8)", "xlsx", …
    pub file: String,
    /// Where the mapping shown came from: a saved layout, a suggestion, or the user's choices.
    pub origin: String,
    pub columns: Vec<ColumnChoice>,
    /// Every field a column can feed: (name, label).
    pub fields: Vec<(String, String)>,
    pub vocab: Vec<VocabChoice>,
    pub date_format: String,
    pub date_choices: Vec<String>,
    pub date_ambiguous: bool,
    pub time_zone: String,
    pub unescape: bool,
    pub layout_name: String,
    pub source: String,
    /// Why the mapping cannot import yet (or why the file cannot be read), in one sentence.
    pub problem: Option<String>,
    pub preview: Option<PreviewView>,
    /// The query string of exactly the mapping shown and previewed: what "Import" submits.
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnChoice {
    pub index: usize,
    pub name: String,
    pub samples: Vec<String>,
    /// The field chosen now.
    pub field: Option<String>,
    /// The field the suggestion gave, with its score.
    pub suggested: Option<(String, f32)>,
}

/// A vocabulary field's values TicketLens does not read by itself, with their counts and the
/// value each is mapped to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VocabChoice {
    pub field: String,
    pub label: String,
    pub targets: Vec<String>,
    pub values: Vec<(String, u64, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewView {
    pub columns: Vec<String>,
    /// (line, cells or the reason the row is refused).
    pub rows: Vec<(u64, Result<Vec<String>, String>)>,
    pub rows_read: u64,
    pub tickets: u64,
    pub messages: u64,
    pub bad: u64,
    pub labels: u64,
    pub errors: Vec<(u64, String)>,
}
