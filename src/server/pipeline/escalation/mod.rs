//! The escalation step: compile a rule version once, then decide for each ticket whether a person must handle it, and why.

pub mod compiled;
pub mod decide;
pub mod defaults;
pub mod matcher;
mod regexes;
pub mod sla;
pub mod text;

pub use compiled::{CompiledRules, RuleError};
pub use decide::TicketFacts;
