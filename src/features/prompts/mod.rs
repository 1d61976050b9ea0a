//! The Prompts page (admins): immutable prompt versions with diffs, trying a version on any text, few-shot examples, and promoting an evaluated version.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptVersion {
    pub id: i64,
    pub version: i32,
    pub template: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    /// Best macro-F1 of its finished evaluation runs; None until it has one.
    pub macro_f1: Option<f64>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub id: i64,
    pub text: String,
    pub label: String,
    pub source_run_id: Option<i64>,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffLine {
    /// '+' added in the newer version, '-' removed, ' ' unchanged.
    pub tag: char,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptsOverview {
    pub versions: Vec<PromptVersion>,
    pub examples: Vec<Example>,
    /// (older version, newer version, lines) when two versions were chosen.
    pub diff: Option<(i32, i32, Vec<DiffLine>)>,
    pub llm: Option<String>,
    pub default_template: String,
}

/// What trying a prompt on one text showed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TryResult {
    pub rendered: String,
    pub request: Option<String>,
    pub reply: Option<String>,
    pub label: Option<String>,
    pub score: Option<f32>,
    pub note: String,
}
