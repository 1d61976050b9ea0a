//! Domain types shared by the server and the browser: valid once built, parsed from loose input.

pub mod analytics;
pub mod draft;
pub mod engine;
pub mod escalation;
pub mod role;
pub mod rules;
pub mod template;
pub mod ticket;

pub use engine::{EngineChoice, EngineKind};
pub use role::Role;
pub use ticket::{Channel, Priority, SentimentLabel, Status};
