//! Alerts: what one alert is as stored and shown, how the alerts job detects them in daily
//! series (`detect`, `spikes`), and how new findings match the alerts already stored.

pub mod detect;
pub mod spikes;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AlertView {
    pub id: i64,
    /// "spike", "growth" or "new_cluster".
    pub kind: String,
    pub product_id: Option<i64>,
    pub product: Option<String>,
    pub category: Option<String>,
    pub cluster_id: Option<i64>,
    pub cluster: Option<String>,
    pub since: NaiveDate,
    pub until: NaiveDate,
    pub tickets: i32,
    pub expected: f64,
    pub p_value: Option<f64>,
}

impl AlertView {
    /// What kind of alert, in words.
    pub fn kind_label(&self) -> &'static str {
        match self.kind.as_str() {
            "spike" => "Spike",
            "growth" => "Growing",
            _ => "New cluster",
        }
    }

    /// What it is about: "Vega Phone 12 · shipping", "billing", "Cluster 3".
    pub fn subject(&self) -> String {
        let parts: Vec<&str> = [
            self.product.as_deref(),
            self.category.as_deref(),
            self.cluster.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        parts.join(" · ")
    }

    /// How big, in words: "+42 tickets (5.1× the usual)".
    pub fn size(&self) -> String {
        let extra = f64::from(self.tickets) - self.expected;
        let times = if self.expected >= 0.5 {
            format!(
                " ({:.1}× the usual)",
                f64::from(self.tickets) / self.expected
            )
        } else {
            String::new()
        };
        match self.kind.as_str() {
            "growth" => format!(
                "{} tickets last week, up from {:.0}{times}",
                self.tickets, self.expected
            ),
            "new_cluster" => format!("{} recent tickets{times}", self.tickets),
            _ => format!(
                "{} tickets, {extra:+.0} over the usual{times}",
                self.tickets
            ),
        }
    }

    /// The Tickets page filtered to this alert's tickets.
    pub fn tickets_href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(id) = self.cluster_id {
            pairs.push(("cluster", id.to_string()));
        }
        if let Some(id) = self.product_id {
            pairs.push(("product", id.to_string()));
        }
        if let Some(c) = &self.category {
            pairs.push(("category", c.clone()));
        }
        pairs.push(("from", self.since.to_string()));
        pairs.push(("to", self.until.to_string()));
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::domain::url::encode(v)))
            .collect();
        format!("/tickets?{}", query.join("&"))
    }
}

/// Alerts reaching into this many days before the newest ticket are current.
pub const CURRENT_DAYS: i64 = 14;
