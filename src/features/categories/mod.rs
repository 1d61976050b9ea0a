//! The Categories area (admins): train either category engine on labelled tickets, compare their
//! held-out figures and confusion matrices, see whether the labels carry signal, pick the active one.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Everything the Categories page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoriesOverview {
    /// Tickets with a category (imported, generated, or corrected by an agent).
    pub labelled: i64,
    /// Distinct categories among them.
    pub distinct: i64,
    /// Category training jobs waiting or running.
    pub training: i64,
    /// The error of the newest training job, when it failed.
    pub training_error: Option<String>,
    pub active: Option<i64>,
    /// (value, description) of each engine.
    pub engines: Vec<(String, String)>,
    /// Import sources whose tickets carry a category, with how many: a model may learn one's.
    pub sources: Vec<(String, i64)>,
    pub models: Vec<CategoryModelView>,
    /// The model whose details are shown: the one asked for, else the active one, else the newest.
    pub selected: Option<CategoryModelView>,
}

/// One trained model with its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryModelView {
    pub id: i64,
    pub version: i32,
    pub engine: String,
    pub created_at: DateTime<Utc>,
    /// The import source whose labels it learned; `None`: every labelled ticket.
    pub source: Option<String>,
    pub train_size: i32,
    pub test_size: i32,
    pub duplicates: i32,
    pub classes: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    pub cv_accuracy: f64,
    pub majority_rate: f64,
    pub has_signal: bool,
    pub verdict: String,
    pub per_class: Vec<crate::domain::metrics::ClassMetrics>,
    /// Confusion matrix (row shares) as SVG; only filled for the selected model.
    pub confusion_svg: Option<String>,
}
