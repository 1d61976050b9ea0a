//! The Integrations page: outbound webhook subscriptions and their delivery log, inbound webhook sources.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use crate::domain::events::EVENTS;
pub use crate::domain::webhooks::{DeliveryView, InboundView, SubscriptionView};

/// Delivery states the log can be filtered by.
pub const STATUSES: [&str; 3] = ["pending", "delivered", "dead"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub attempt: i32,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i32,
    pub request_headers: Vec<(String, String)>,
    pub status_code: Option<i32>,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Integrations {
    pub subscriptions: Vec<SubscriptionView>,
    /// The newest deliveries (of `status` when one is chosen).
    pub deliveries: Vec<DeliveryView>,
    pub status: Option<String>,
    /// The attempt log of the delivery chosen in the URL.
    pub attempts: Option<(String, Vec<AttemptView>)>,
    pub inbound: Vec<InboundView>,
}

/// A secret just made (a subscription's or an inbound source's): the only time it is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Created {
    pub name: String,
    pub secret: String,
}
