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
    /// "breached" (past due) or "at_risk" (warned, not yet due).
    pub due: Option<String>,
    /// "due" (default: most pressing deadline first), "severity", "newest" or "oldest".
    pub sort: Option<String>,
    pub page: Option<i64>,
}

/// The sorts the inbox offers, as (value, label).
pub const SORTS: [(&str, &str); 4] = [
    ("due", "due time"),
    ("severity", "severity"),
    ("newest", "newest ticket"),
    ("oldest", "oldest ticket"),
];

impl InboxQuery {
    /// Reads a query string's pairs; unknown keys and empty values are ignored.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut q = Self::default();
        for (k, v) in pairs {
            let v = v.as_ref().trim();
            if v.is_empty() {
                continue;
            }
            let text = Some(v.to_string());
            let known = |allowed: &[&str]| allowed.contains(&v).then(|| v.to_string());
            match k.as_ref() {
                "queue" => q.queue = text,
                "severity" => q.severity = text,
                "product" => q.product = v.parse().ok(),
                "assignee" => q.assignee = text,
                "status" => q.status = known(&["open", "resolved", "all"]),
                "due" => q.due = known(&["breached", "at_risk"]),
                "sort" => q.sort = known(&SORTS.map(|(s, _)| s)),
                "page" => q.page = v.parse().ok(),
                _ => {}
            }
        }
        q
    }

    /// The filters and sort as a query string (no page, no default values): what a saved view
    /// keeps, so the same filters read the same however they were reached.
    pub fn to_query(&self) -> String {
        let product = self.product.map(|p| p.to_string());
        let status = self.status.clone().filter(|s| s != "open");
        let sort = self.sort.clone().filter(|s| s != "due");
        [
            ("status", &status),
            ("queue", &self.queue),
            ("severity", &self.severity),
            ("product", &product),
            ("assignee", &self.assignee),
            ("due", &self.due),
            ("sort", &sort),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .map(|v| format!("{k}={}", crate::domain::url::encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
    }

    /// The inbox URL of these filters and sort at `page`.
    pub fn href(&self, page: Option<i64>) -> String {
        let mut query = self.to_query();
        if let Some(p) = page.filter(|p| *p > 0) {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&format!("page={p}"));
        }
        if query.is_empty() {
            "/inbox".into()
        } else {
            format!("/inbox?{query}")
        }
    }
}

/// A saved view of the inbox and how many escalations it holds now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    /// The view's query string (filters and sort).
    pub query: String,
    pub count: i64,
}

/// Saved views a user may keep.
pub const MAX_VIEWS: i64 = 20;

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
    /// When the deadline that matters now is at risk (80% of its business time used).
    pub warn_at: DateTime<Utc>,
    /// The due time in the viewer's time zone ("Tue 8 Dec 14:30").
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub due_local: String,
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
    /// The viewer's saved views with their counts.
    pub views: Vec<SavedView>,
    /// The time zone due times are shown in (the viewer's, else the team's, else UTC).
    pub zone: String,
    /// Whether the zone is the viewer's own choice.
    pub own_zone: bool,
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
    /// The escalation's times in the viewer's zone (as the inbox shows them), and that zone.
    pub local: Option<LocalTimes>,
}

/// An escalation's due and answered times, formatted in the viewer's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalTimes {
    pub first_response_due: String,
    pub resolution_due: String,
    pub answered: Option<String>,
    pub zone: String,
}

#[cfg(test)]
mod tests {
    use super::InboxQuery;

    #[test]
    fn a_query_string_round_trips_without_its_page_and_unknown_keys() {
        let q = InboxQuery::from_pairs([
            ("queue", "billing & co"),
            ("due", "at_risk"),
            ("sort", "newest"),
            ("product", "7"),
            ("page", "2"),
            ("ok", "Saved"),
            ("assignee", " "),
            ("status", "open"),
        ]);
        assert_eq!(q.status.as_deref(), Some("open"));
        assert_eq!(q.page, Some(2));
        assert_eq!(q.assignee, None, "blank values are no filter");
        let query = q.to_query();
        assert_eq!(
            query,
            "queue=billing+%26+co&product=7&due=at_risk&sort=newest"
        );
        assert_eq!(q.href(Some(3)), format!("/inbox?{query}&page=3"));
        assert_eq!(InboxQuery::default().href(Some(0)), "/inbox");
        assert_eq!(InboxQuery::default().href(Some(1)), "/inbox?page=1");
        let unknown = InboxQuery::from_pairs([("status", "x"), ("sort", "due"), ("due", "soon")]);
        assert_eq!((unknown.status, unknown.due), (None, None));
        assert_eq!(unknown.sort.as_deref(), Some("due"));
        assert_eq!(unknown_free(), "");
    }

    fn unknown_free() -> String {
        InboxQuery::from_pairs([("sort", "due"), ("status", "open")]).to_query()
    }
}
