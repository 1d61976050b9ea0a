//! SLA clocks: due times and elapsed time counted in business hours (or around the clock).

use crate::domain::calendar::Calendar;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The team's working week: which weekdays, from when to when, in which time zone, and the
/// holidays it does not work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    /// The offset used when no named zone is set (hours saved before zones were named).
    pub utc_offset_minutes: i32,
    /// IANA zone name (e.g. `Europe/Berlin`); empty: the fixed offset above.
    #[serde(default)]
    pub time_zone: String,
    /// Monday first.
    pub days: [bool; 7],
    pub start_minute: u32,
    pub end_minute: u32,
    /// Local dates with no business hours.
    #[serde(default)]
    pub holidays: BTreeSet<NaiveDate>,
}

impl Default for BusinessHours {
    /// Monday to Friday, 09:00 to 17:00 UTC.
    fn default() -> Self {
        BusinessHours {
            utc_offset_minutes: 0,
            time_zone: String::new(),
            days: [true, true, true, true, true, false, false],
            start_minute: 9 * 60,
            end_minute: 17 * 60,
            holidays: BTreeSet::new(),
        }
    }
}

impl BusinessHours {
    /// Whether the hours describe at least one minute a week.
    pub fn is_valid(&self) -> bool {
        self.days.iter().any(|d| *d)
            && self.start_minute < self.end_minute
            && self.end_minute <= 24 * 60
            && self.utc_offset_minutes.abs() <= 14 * 60
    }
}

/// The share of a target used when a deadline counts as at risk (the sweep warns then).
pub const AT_RISK_PERCENT: i64 = 80;

/// The targets for one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub first_response_minutes: i64,
    pub resolution_minutes: i64,
    /// How soon a customer's message after an agent's reply is due an answer.
    pub next_response_minutes: i64,
    /// Counted around the clock rather than in business hours.
    pub around_clock: bool,
}

impl SlaPolicy {
    /// The calendar this policy counts in: the team's, or every minute when around the clock.
    fn counts<'a>(&self, calendar: &Calendar<'a>) -> Option<Calendar<'a>> {
        (!self.around_clock).then_some(*calendar)
    }

    fn add(&self, start: DateTime<Utc>, minutes: i64, calendar: &Calendar) -> DateTime<Utc> {
        match self.counts(calendar) {
            Some(c) => c.add(start, minutes),
            None => start + Duration::minutes(minutes.max(0)),
        }
    }

    /// When the first response and the resolution are due for a ticket created at `created`.
    pub fn due(
        &self,
        created: DateTime<Utc>,
        calendar: &Calendar,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            self.add(created, self.first_response_minutes, calendar),
            self.add(created, self.resolution_minutes, calendar),
        )
    }

    /// When the first response and the resolution are at risk: [`AT_RISK_PERCENT`] of each
    /// target used, to the second (80% of a one-minute target is 48 s, not 0 min).
    pub fn at_risk(
        &self,
        created: DateTime<Utc>,
        calendar: &Calendar,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |minutes: i64| {
            let seconds = minutes.max(0) * 60 * AT_RISK_PERCENT / 100;
            let (whole, rest) = (seconds / 60, seconds % 60);
            if rest == 0 {
                return self.add(created, whole, calendar);
            }
            // The last part-minute is counted back from the end of the next whole one, so it
            // falls in business time even when the whole minutes end at closing time.
            self.add(created, whole + 1, calendar) - Duration::seconds(60 - rest)
        };
        (at(self.first_response_minutes), at(self.resolution_minutes))
    }

    /// How much of the first-response target has been used by `now`, in percent.
    pub fn first_response_used(
        &self,
        created: DateTime<Utc>,
        now: DateTime<Utc>,
        calendar: &Calendar,
    ) -> u32 {
        self.used(created, now, self.first_response_minutes, calendar)
    }

    /// When the next response is due to a customer waiting since `waiting_since`.
    pub fn next_response_due(
        &self,
        waiting_since: DateTime<Utc>,
        calendar: &Calendar,
    ) -> DateTime<Utc> {
        self.add(waiting_since, self.next_response_minutes, calendar)
    }

    /// How much of the next-response target a customer waiting since `waiting_since` has used
    /// by `now`, in percent.
    pub fn next_response_used(
        &self,
        waiting_since: DateTime<Utc>,
        now: DateTime<Utc>,
        calendar: &Calendar,
    ) -> u32 {
        self.used(waiting_since, now, self.next_response_minutes, calendar)
    }

    /// The share of a `target` of minutes used from `from` to `now`, in percent (counted up to
    /// a hundred times the target: beyond that the walk over the days is not worth it).
    fn used(
        &self,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
        target: i64,
        calendar: &Calendar,
    ) -> u32 {
        let target = target.max(1);
        let cap = target.saturating_mul(100);
        let used = match self.counts(calendar) {
            Some(c) => c.minutes_between_capped(from, now, cap),
            None => (now - from).num_minutes().clamp(0, cap),
        };
        (used * 100 / target).clamp(0, u32::MAX as i64) as u32
    }
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
