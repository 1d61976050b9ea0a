//! What an import produces: `NewTicket`, one ticket as every source (CSV formats, demo
//! generator, API, inbound e-mail) hands it to the writer, and the report of a run.

use crate::domain::{Channel, Priority, SentimentLabel, Status};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A ticket ready to be stored. `(source, external_id)` identifies it across re-imports.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTicket {
    pub external_id: String,
    pub subject: String,
    pub body: String,
    /// Stable key of the customer in the source (e-mail, handle or id).
    pub customer_ref: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub product: Option<String>,
    pub product_line: Option<String>,
    pub channel: Channel,
    pub priority: Priority,
    pub status: Status,
    /// Issue category label from the source, if it has one.
    pub category: Option<String>,
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Customer satisfaction, 1 to 5.
    pub csat: Option<i16>,
    /// The agent's reply, for resolved tickets.
    pub agent_reply: Option<String>,
    /// Who handled the ticket, as the source names them (its first reply is signed with it).
    pub agent: Option<String>,
    /// Gold sentiment label, when the source knows it.
    pub sentiment: Option<SentimentLabel>,
    /// Gold escalation decision, when the source knows it.
    pub escalate: Option<bool>,
}

/// The outcome, as shown on the Data page and printed by the CLI.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub import_id: i64,
    pub format: String,
    pub rows_read: u64,
    pub inserted: u64,
    pub duplicates: u64,
    /// Messages stored beside the tickets (follow-ups and replies of threads).
    pub messages: u64,
    /// Rows that were not tickets (ignored) plus rows with errors.
    pub skipped: u64,
    /// Reason -> count, for both ignored and bad rows.
    pub reasons: BTreeMap<String, u64>,
    /// The first bad rows: (line, reason).
    pub errors: Vec<(u64, String)>,
}
