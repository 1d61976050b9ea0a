//! The escalation inbox as the SQL layer reads it and the pages show it: filters, rows, counts,
//! a ticket's escalation, its activity trail and replies.

use crate::domain::escalation::FiredRule;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Rows per inbox page.
pub const PAGE_SIZE: i64 = 50;

/// Inbox filters, from the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    pub queue: Option<String>,
    pub severity: Option<String>,
    pub product: Option<i64>,
    /// "me", "none", or a user id.
    pub assignee: Option<String>,
    /// "open" (default), "resolved" or "all".
    pub status: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InboxRow {
    pub ticket_id: i64,
    pub subject: String,
    pub customer: Option<String>,
    pub product: Option<String>,
    pub priority: String,
    pub severity: i16,
    pub queue: String,
    pub assignee: Option<String>,
    pub status: String,
    pub due_at: DateTime<Utc>,
    pub rules: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InboxCounts {
    pub open: i64,
    pub breached: i64,
    pub unassigned: i64,
    pub mine: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    /// Rows matching the filters.
    pub total: i64,
    pub counts: InboxCounts,
    pub queues: Vec<(String, i64)>,
    pub agents: Vec<(i64, String)>,
    pub products: Vec<(i64, String)>,
    pub now: DateTime<Utc>,
    /// Whether the viewer is available for assignment (or away).
    pub available: bool,
    /// The viewer's unread notifications, newest first (at most ten).
    pub notifications: Vec<NotificationView>,
}

/// Something the team was told about a ticket (an SLA step).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct NotificationView {
    pub id: i64,
    pub ticket_id: Option<i64>,
    /// `sla.warning` or `sla.breached`.
    pub kind: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub actor: Option<String>,
    pub kind: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyView {
    pub author: Option<String>,
    pub body: String,
    pub delivery: Option<String>,
    pub at: DateTime<Utc>,
    /// How its e-mail went, when it was e-mailed.
    pub email: Option<String>,
}

/// A ticket's escalation as the panel on the Ticket page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationView {
    pub status: String,
    pub queue: String,
    pub severity: i16,
    pub assignee_id: Option<i64>,
    pub assignee: Option<String>,
    pub first_response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
    pub verdict: Option<bool>,
    pub rule_version: Option<i32>,
    /// `rules`, or `manual` when an agent escalated it.
    pub origin: String,
}

/// Everything the panel needs: the escalation if any, the rules' explanation, the trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketEscalation {
    pub ticket_id: i64,
    pub escalation: Option<EscalationView>,
    /// The analysis decision (also for tickets that were not escalated).
    pub decided: Option<(bool, i32)>,
    pub fired: Vec<FiredRule>,
    /// Subject and body with matched spans marked.
    pub pieces: Vec<(String, bool)>,
    pub activity: Vec<ActivityView>,
    pub replies: Vec<ReplyView>,
    pub agents: Vec<(i64, String)>,
    /// Queues a ticket can be escalated into by hand.
    pub queues: Vec<String>,
    pub me: i64,
    pub now: DateTime<Utc>,
}
