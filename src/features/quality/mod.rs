//! The Data quality page (admins): per imported source, empty fields, duplicates, unfilled template placeholders, impossible timestamps and whether each label column is predictable from the text.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use crate::domain::quality::{FieldGap, LabelCheck, QualityReport};

use serde::{Deserialize, Serialize};

/// What the page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QualityOverview {
    /// (report, when it was checked), one per source.
    pub reports: Vec<(QualityReport, String)>,
    /// Sources with tickets but no report yet, or a check queued.
    pub pending: Vec<String>,
}
