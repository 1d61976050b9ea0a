//! The audit log page: who changed rules, prompts, templates, models, users, integrations and tokens, when, and with what.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    /// The request's fields as `name: value` lines (secrets blanked).
    pub detail: Vec<(String, String)>,
    pub status: i16,
}
