//! The Rules page (admins): edit a draft rule version with validation, test it live, backtest it, activate it; SLA policies and business hours.

pub mod api;
pub mod checks;
pub mod form;
#[cfg(feature = "ssr")]
pub mod hours;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sla;

use crate::domain::escalation::Decision;
use crate::domain::rules::{BacktestReport, Rule};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionView {
    pub id: i64,
    pub version: i32,
    pub status: String,
    pub note: String,
    pub rules: Vec<Rule>,
    pub author: Option<String>,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaRow {
    pub priority: String,
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
    pub next_response_minutes: i32,
    pub around_clock: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursView {
    pub utc_offset_minutes: i32,
    /// IANA zone name; empty when the fixed offset applies.
    pub time_zone: String,
    pub days: [bool; 7],
    pub start: String,
    pub end: String,
    /// Holiday dates, `YYYY-MM-DD`, one per line.
    pub holidays: String,
    /// Every IANA zone name, for the zone field's suggestions.
    pub zones: Vec<String>,
}

/// What a live test showed: the decision and the text with its matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveTest {
    pub decision: Decision,
    pub pieces: Vec<(String, bool)>,
    pub ticket_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesOverview {
    /// The version shown and edited: the draft when there is one, else the active version.
    pub current: Option<VersionView>,
    pub active_version: Option<i32>,
    pub versions: Vec<VersionView>,
    pub sla: Vec<SlaRow>,
    pub hours: HoursView,
    pub test: Option<Result<LiveTest, String>>,
    pub backtest: Option<Result<BacktestReport, String>>,
}

/// The page's query: which rule to edit, what to test, how far to backtest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RulesQuery {
    pub test_text: Option<String>,
    pub test_ticket: Option<i64>,
    pub test_priority: Option<String>,
    pub test_sentiment: Option<String>,
    pub backtest_days: Option<i32>,
}
