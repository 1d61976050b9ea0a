//! Domain types shared by the server and the browser: valid once built, parsed from loose input.

pub mod alerts;
pub mod analytics;
pub mod assignment;
pub mod calendar;
pub mod draft;
pub mod engine;
pub mod escalation;
pub mod events;
pub mod ical;
pub mod import;
pub mod inbox;
pub mod mapping;
pub mod message;
pub mod metrics;
pub mod quality;
pub mod recurrence;
pub mod role;
pub mod rules;
pub mod sla;
pub mod template;
pub mod ticket;
pub mod ticket_view;
pub mod training;
pub mod url;
pub mod webhooks;

pub use engine::{EngineChoice, EngineKind};
pub use role::Role;
pub use ticket::{Channel, Priority, Sentiment, SentimentLabel, Status};
