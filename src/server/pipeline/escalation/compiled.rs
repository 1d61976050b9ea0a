//! A rule version compiled once: all keyword lists in one automaton, all regexes in one set.

use super::matcher::{Source, TextMatcher};
use crate::domain::rules::{Condition, Rule};

/// Where a condition's answer comes from after a scan.
#[derive(Debug, Clone, Copy)]
pub(super) enum Slot {
    Keywords(usize),
    Regexes(usize),
    Other,
}

/// The enabled rules of one version, ready to run on any number of tickets from any thread.
pub struct CompiledRules {
    pub version: i32,
    pub(super) rules: Vec<Rule>,
    /// For each rule, for each condition, where its text answer is.
    pub(super) slots: Vec<Vec<Slot>>,
    pub(super) matcher: TextMatcher,
    /// The distinct repeat-contact windows, worked out once.
    windows: Vec<u32>,
}

/// A rule that cannot be compiled, named for the admin.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("Rule \"{rule}\": {message}")]
pub struct RuleError {
    pub rule: String,
    pub message: String,
}

impl CompiledRules {
    /// Validates and compiles the enabled rules of a version.
    pub fn compile(version: i32, rules: &[Rule]) -> Result<Self, RuleError> {
        let mut keyword_lists: Vec<Vec<String>> = Vec::new();
        let mut regex_lists: Vec<Vec<String>> = Vec::new();
        let mut owners: Vec<usize> = Vec::new();
        let mut regex_owners: Vec<usize> = Vec::new();
        let mut slots = Vec::new();
        let enabled: Vec<Rule> = rules.iter().filter(|r| r.enabled).cloned().collect();
        for (i, rule) in enabled.iter().enumerate() {
            rule.validate().map_err(|message| RuleError {
                rule: rule.name.clone(),
                message,
            })?;
            let rule_slots = rule
                .conditions
                .iter()
                .map(|c| match c {
                    Condition::Keywords { terms } => {
                        keyword_lists.push(terms.clone());
                        owners.push(i);
                        Slot::Keywords(keyword_lists.len() - 1)
                    }
                    Condition::Regex { patterns } => {
                        regex_lists.push(patterns.clone());
                        regex_owners.push(i);
                        Slot::Regexes(regex_lists.len() - 1)
                    }
                    _ => Slot::Other,
                })
                .collect();
            slots.push(rule_slots);
        }
        let matcher = TextMatcher::build(&keyword_lists, &regex_lists).map_err(|e| {
            let owner = match e.list {
                Source::Keywords(k) => owners.get(k),
                Source::Regexes(k) => regex_owners.get(k),
            };
            RuleError {
                rule: owner
                    .and_then(|i| enabled.get(*i))
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                message: e.to_string(),
            }
        })?;
        let mut windows: Vec<u32> = enabled
            .iter()
            .flat_map(|r| r.conditions.iter())
            .filter_map(|c| match c {
                Condition::RepeatContact { days, .. } => Some(*days),
                _ => None,
            })
            .collect();
        windows.sort_unstable();
        windows.dedup();
        Ok(CompiledRules {
            version,
            rules: enabled,
            slots,
            matcher,
            windows,
        })
    }

    /// Checks a rule list the way saving it would, without keeping the result.
    pub fn check(rules: &[Rule]) -> Result<(), RuleError> {
        let all_enabled: Vec<Rule> = rules
            .iter()
            .cloned()
            .map(|r| Rule { enabled: true, ..r })
            .collect();
        Self::compile(0, &all_enabled).map(|_| ())
    }

    /// The enabled rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The distinct repeat-contact windows (in days) the rules ask about.
    pub fn repeat_windows(&self) -> &[u32] {
        &self.windows
    }

    /// Which SLA clocks the rules look at, (first response, next response): such rules can fire
    /// as time passes, with no new message.
    pub fn watched_clocks(&self) -> (bool, bool) {
        let conditions = || self.rules.iter().flat_map(|r| r.conditions.iter());
        (
            conditions().any(|c| matches!(c, Condition::SlaRisk { .. })),
            conditions().any(|c| matches!(c, Condition::NextResponseRisk { .. })),
        )
    }
}

#[cfg(test)]
#[path = "compiled_props.rs"]
mod props;
