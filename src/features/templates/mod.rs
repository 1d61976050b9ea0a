//! The Templates page (admins): reply templates per category, versioned, with variables checked
//! at save time and a preview filled from a real ticket.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use crate::domain::template::TemplateVersion;

use serde::{Deserialize, Serialize};

/// Everything the Templates page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplatesOverview {
    /// The newest version of each category's template.
    pub current: Vec<TemplateVersion>,
    /// Categories known from tickets and models, offered when adding a template.
    pub categories: Vec<String>,
    /// The variables a template may use.
    pub variables: Vec<String>,
    /// Versions of the category being edited, newest first.
    pub history: Vec<TemplateVersion>,
    pub editing: Option<String>,
    pub preview: Option<Result<Preview, String>>,
}

/// A template filled from a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub ticket_id: i64,
    pub subject: String,
    /// The category whose template was used ('*' when the ticket's category has none).
    pub template_category: String,
    pub template_version: i32,
    pub text: String,
}
