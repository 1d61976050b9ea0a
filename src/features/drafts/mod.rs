//! Reply drafts on the Ticket page (similar resolved tickets, the draft to edit, send or reject), their acceptance figures, and the admin's choice of method and prompt.

pub mod acceptance;
pub mod api;
pub mod panel;
#[cfg(feature = "ssr")]
pub mod server;
pub mod settings;

pub use crate::domain::draft::{Acceptance, DraftView};
use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};

/// A resolved ticket near the one shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarView {
    pub id: i64,
    pub subject: String,
    pub product: Option<String>,
    pub similarity: f32,
    pub reply: Option<String>,
    pub csat: Option<i16>,
}

/// What the reply part of the Ticket page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyAssist {
    pub ticket_id: i64,
    pub same_product: bool,
    pub similar: Vec<SimilarView>,
    pub draft: Option<DraftView>,
    /// Why there is no draft, when there is none.
    pub no_draft: Option<String>,
    /// The method new drafts use.
    pub method: String,
}

/// One version of the draft prompt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptVersionView {
    pub id: i64,
    pub version: i32,
    pub template: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// The admin's draft settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftSettings {
    pub method: String,
    /// `provider:model` of the configured LLM, if any.
    pub llm: Option<String>,
    /// Newest first; the first is in use.
    pub prompts: Vec<PromptVersionView>,
}
