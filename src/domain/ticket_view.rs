//! Browsing tickets: the filters a URL can carry, the list rows and the full ticket (read by the
//! SQL layer, shown by the Tickets pages, returned by the REST API).

use super::analytics::{AnalyticsFilter, Period};
use super::message::{MessageView, Shift, Trajectory};
use super::url::encode;
use crate::domain::{Channel, Priority, SentimentLabel, Status};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Orders of the ticket list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketSort {
    #[default]
    Newest,
    Oldest,
    Priority,
}

impl TicketSort {
    pub const ALL: &'static [(TicketSort, &'static str)] = &[
        (TicketSort::Newest, "Newest first"),
        (TicketSort::Oldest, "Oldest first"),
        (TicketSort::Priority, "Most urgent first"),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketSort::Newest => "newest",
            TicketSort::Oldest => "oldest",
            TicketSort::Priority => "priority",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().map(|(s, _)| *s).find(|v| v.as_str() == s)
    }
}

/// Filters, order and page of the ticket list; every field round-trips through the URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketQuery {
    pub q: Option<String>,
    pub product: Option<i64>,
    pub customer: Option<i64>,
    /// A cluster of the Clusters page.
    pub cluster: Option<i64>,
    pub channel: Option<Channel>,
    pub priority: Option<Priority>,
    pub status: Option<Status>,
    /// The category the analytics count ("(none)": tickets without one).
    pub category: Option<String>,
    pub sentiment: Option<SentimentLabel>,
    /// The agent the conversation analytics count ("(none)": tickets no agent answered).
    pub agent: Option<String>,
    /// Conversations (two or more scored customer messages) that moved this way.
    pub shift: Option<Shift>,
    /// Tickets with this many customer and agent messages (5: five or more).
    pub messages: Option<u8>,
    /// ISO weekday of creation, 1 = Monday (UTC).
    pub weekday: Option<u8>,
    /// Hour of creation, 0–23 (UTC).
    pub hour: Option<u8>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: TicketSort,
    /// Keyset cursor: the page starts after this position.
    pub after: Option<String>,
}

impl TicketQuery {
    /// The tickets an analytics figure counts: `filter`'s period and filters.
    pub fn within(period: Period, filter: &AnalyticsFilter) -> Self {
        TicketQuery {
            from: Some(period.from),
            to: Some(period.to),
            product: filter.product,
            channel: filter.channel,
            category: filter.category.clone(),
            sentiment: filter.sentiment,
            ..TicketQuery::default()
        }
    }

    /// The Tickets page's address for this query.
    pub fn href(&self) -> String {
        format!("/tickets?{}", self.to_query_string())
    }

    /// Reads the query from URL parameters, ignoring values that do not parse.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        TicketQuery {
            q: text("q").map(|q| q.chars().take(200).collect()),
            product: text("product").and_then(|v| v.parse().ok()),
            customer: text("customer").and_then(|v| v.parse().ok()),
            cluster: text("cluster").and_then(|v| v.parse().ok()),
            channel: text("channel").and_then(|v| Channel::parse(&v)),
            priority: text("priority").and_then(|v| Priority::parse(&v)),
            status: text("status").and_then(|v| Status::parse(&v)),
            category: text("category").map(|v| v.chars().take(200).collect()),
            sentiment: text("sentiment").and_then(|v| SentimentLabel::parse(&v)),
            agent: text("agent").map(|v| v.chars().take(200).collect()),
            shift: text("shift").and_then(|v| Shift::parse(&v)),
            messages: text("messages")
                .and_then(|v| v.parse().ok())
                .filter(|n| (1..=5).contains(n)),
            weekday: text("weekday")
                .and_then(|v| v.parse().ok())
                .filter(|d| (1..=7).contains(d)),
            hour: text("hour")
                .and_then(|v| v.parse().ok())
                .filter(|h| *h < 24),
            from: text("from").and_then(|v| v.parse().ok()),
            to: text("to").and_then(|v| v.parse().ok()),
            sort: text("sort")
                .and_then(|v| TicketSort::parse(&v))
                .unwrap_or_default(),
            after: text("after").filter(|v| v.len() < 80),
        }
    }

    /// The URL query string (without `?`) for this query.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        let mut push = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        };
        push("product", self.product.map(|v| v.to_string()));
        push("customer", self.customer.map(|v| v.to_string()));
        push("cluster", self.cluster.map(|v| v.to_string()));
        push("channel", self.channel.map(|v| v.to_string()));
        push("priority", self.priority.map(|v| v.to_string()));
        push("status", self.status.map(|v| v.to_string()));
        push("category", self.category.clone());
        push("sentiment", self.sentiment.map(|v| v.to_string()));
        push("agent", self.agent.clone());
        push("shift", self.shift.map(|v| v.as_str().to_string()));
        push("messages", self.messages.map(|v| v.to_string()));
        push("weekday", self.weekday.map(|v| v.to_string()));
        push("hour", self.hour.map(|v| v.to_string()));
        push("from", self.from.map(|v| v.to_string()));
        push("to", self.to.map(|v| v.to_string()));
        if self.sort != TicketSort::Newest {
            pairs.push(("sort", self.sort.as_str().into()));
        }
        if let Some(a) = &self.after {
            pairs.push(("after", a.clone()));
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// One line of the ticket list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketRow {
    pub id: i64,
    pub subject: String,
    pub customer: Option<String>,
    pub product: Option<String>,
    pub channel: String,
    pub priority: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub csat: Option<i16>,
}

/// A page of the list, the total matching, and what the filter form needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketList {
    pub rows: Vec<TicketRow>,
    pub total: i64,
    pub next_cursor: Option<String>,
    pub products: Vec<(i64, String)>,
    /// The label of the cluster the list is narrowed to, if any.
    pub cluster: Option<String>,
}

/// Everything the Ticket page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub id: i64,
    pub source: String,
    pub external_id: String,
    pub subject: String,
    pub body: String,
    pub customer_id: Option<i64>,
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub product: Option<String>,
    pub product_line: Option<String>,
    pub channel: String,
    pub priority: String,
    pub status: String,
    pub category: Option<String>,
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub csat: Option<i16>,
    pub agent_reply: Option<String>,
    /// The customer's other tickets, newest first.
    pub history: Vec<TicketRow>,
    /// The stored sentiment, once the ticket was analysed.
    pub analysis: Option<SentimentView>,
    /// The sentiment an agent said is right, if one corrected it.
    pub correction: Option<String>,
    /// The predicted category and an agent's correction.
    pub category_view: CategoryView,
    /// Every message in time order, the opening one included.
    pub thread: Vec<MessageView>,
    /// How the customer's mood moved, once messages are scored.
    pub trajectory: Option<Trajectory>,
    /// The trajectory drawn, when there are two or more scored customer messages.
    pub trajectory_svg: Option<String>,
}

/// A ticket's predicted category, the model behind it, and an agent's correction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CategoryView {
    pub predicted: Option<String>,
    pub confidence: Option<f32>,
    /// e.g. "v2 · tfidf".
    pub model: Option<String>,
    pub corrected: Option<String>,
    /// Categories seen so far, offered as suggestions.
    pub known: Vec<String>,
}

/// A stored sentiment result and what produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentView {
    pub label: String,
    pub score: f32,
    pub engine: String,
    pub version: String,
    pub analysed_at: DateTime<Utc>,
    /// The words that pushed the label, strongest first (empty when the engine that scored it
    /// is no longer the active one, or gives none).
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// An LLM's one-sentence reason for the label.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A word or phrase and how far it pushed a sentiment label: its valence (> 0 positive) when
/// the lexicon scored the text, its push toward the predicted label (> 0) when a model did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub term: String,
    pub weight: f32,
    /// A lexicon word whose valence a negation ("not", "never") turned around.
    #[serde(default)]
    pub negated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips_through_the_url() {
        let q = TicketQuery {
            q: Some("refund & card".into()),
            product: Some(3),
            cluster: Some(12),
            priority: Some(Priority::Urgent),
            from: NaiveDate::from_ymd_opt(2025, 1, 2),
            sort: TicketSort::Priority,
            after: Some("4.1700000000.12".into()),
            ..Default::default()
        };
        let s = q.to_query_string();
        let pairs: Vec<(String, String)> = s
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                let v = v.replace('+', " ").replace("%26", "&");
                (k.to_string(), v)
            })
            .collect();
        let back = TicketQuery::from_params(|k| {
            pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        });
        assert_eq!(back, q);
    }

    #[test]
    fn ignores_values_that_do_not_parse() {
        let q = TicketQuery::from_params(|k| match k {
            "priority" => Some("soon".into()),
            "from" => Some("yesterday".into()),
            "product" => Some("x".into()),
            _ => None,
        });
        assert_eq!(q, TicketQuery::default());
    }
}
