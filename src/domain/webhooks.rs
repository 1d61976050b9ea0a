//! Webhooks as the SQL layer reads them and the Integrations page shows them: subscriptions,
//! deliveries and inbound sources.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An outbound subscription with its delivery counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SubscriptionView {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub pending: i64,
    pub delivered: i64,
    pub dead: i64,
}

/// A delivery as the Integrations page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DeliveryView {
    pub id: String,
    pub subscription: String,
    pub kind: String,
    pub event_id: i64,
    pub status: String,
    pub attempts: i32,
    pub last_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
}

/// A source posting tickets to the inbound webhook, with the tickets it has created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct InboundView {
    pub source: String,
    pub created_at: DateTime<Utc>,
    pub tickets: i64,
}
