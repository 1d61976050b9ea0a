//! Deterministic, labelled demo tickets, so the dashboard has realistic data to show and check.

mod calendar;
mod catalog;
mod compose;
mod generator;
mod incidents;
mod lifecycle;
mod mix;
mod people;
mod phrasing;
mod replies;
mod slots;
mod threads;
mod tone;
mod vocabulary;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_tests;

pub use catalog::{product_lines, CATEGORIES};
pub use threads::follow_ups;

use crate::domain::import::NewTicket;
use chrono::NaiveDate;

/// What to generate: how many tickets, from which seed, with history ending on `end` (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoConfig {
    pub tickets: usize,
    pub seed: u64,
    pub end: NaiveDate,
}

/// The default last day of demo history: yesterday (UTC), so no ticket lies in the future.
pub fn default_end() -> NaiveDate {
    let today = chrono::Utc::now().date_naive();
    today.pred_opt().unwrap_or(today)
}

/// A burst of one category on one product, on top of the normal volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident {
    pub product: &'static str,
    pub category: &'static str,
    pub start: NaiveDate,
    pub days: u32,
    /// Extra tickets on each incident day.
    pub extra_per_day: u32,
}

/// The two or three incidents injected for `cfg`, oldest last; one starts within the last 60 days
/// and all end at least a week before `cfg.end`.
pub fn incidents(cfg: &DemoConfig) -> Vec<Incident> {
    incidents::plan(cfg).into_iter().map(|(i, _)| i).collect()
}

/// Exactly `cfg.tickets` tickets covering the 365 days that end on `cfg.end`, generated lazily
/// (constant memory, not in `created_at` order). External ids are `DEMO-{seed}-{n:07}`.
///
/// `escalate` is `Some(true)` exactly when the text has escalation wording (chargeback, legal
/// action, hacked account, data loss, cancel my account, ...).
pub fn generate(cfg: &DemoConfig) -> impl Iterator<Item = NewTicket> {
    generator::Generator::new(cfg)
}

/// The end of `cfg`'s last day: no demo message is later.
pub fn cutoff(cfg: &DemoConfig) -> chrono::DateTime<chrono::Utc> {
    cfg.end.and_time(chrono::NaiveTime::MIN).and_utc() + chrono::Duration::seconds(86_399)
}
