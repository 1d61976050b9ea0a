//! The escalation step: compile a rule version once, then decide for each ticket whether a person must handle it, and why.

pub mod assign;
pub mod compiled;
pub mod decide;
pub mod matcher;
mod regexes;
pub mod text;
pub mod workflow;

pub use compiled::{CompiledRules, RuleError};
pub use decide::TicketFacts;

#[cfg(test)]
mod tests {
    use super::CompiledRules;

    #[test]
    fn starter_rules_compile_with_unique_ids() {
        let rules = crate::domain::rules::starter_rules();
        CompiledRules::check(&rules).unwrap();
        let mut ids: Vec<u32> = rules.iter().map(|r| r.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), rules.len());
    }
}
