//! SLA clocks: due times and elapsed time counted in business hours (or around the clock).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// The team's working week: which weekdays, from when to when, at which UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessHours {
    pub utc_offset_minutes: i32,
    /// Monday first.
    pub days: [bool; 7],
    pub start_minute: u32,
    pub end_minute: u32,
}

impl Default for BusinessHours {
    /// Monday to Friday, 09:00 to 17:00 UTC.
    fn default() -> Self {
        BusinessHours {
            utc_offset_minutes: 0,
            days: [true, true, true, true, true, false, false],
            start_minute: 9 * 60,
            end_minute: 17 * 60,
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

    fn zone(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60).unwrap_or_else(|| Utc.fix())
    }

    /// The business window of the local day containing `at`, if that day is a working day.
    fn window(&self, at: DateTime<FixedOffset>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.days[at.weekday().num_days_from_monday() as usize] {
            return None;
        }
        let midnight = at.date_naive().and_time(NaiveTime::MIN);
        let local = self.zone().from_local_datetime(&midnight).single()?;
        let start = local + Duration::minutes(self.start_minute.into());
        let end = local + Duration::minutes(self.end_minute.into());
        Some((start.with_timezone(&Utc), end.with_timezone(&Utc)))
    }

    fn next_midnight(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let local = at.with_timezone(&self.zone());
        let midnight = local.date_naive().and_time(NaiveTime::MIN);
        match self.zone().from_local_datetime(&midnight).single() {
            Some(m) => (m + Duration::days(1)).with_timezone(&Utc),
            None => at + Duration::days(1),
        }
    }

    /// The moment `minutes` business minutes after `start`.
    pub fn add(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        if !self.is_valid() {
            return start + Duration::minutes(minutes);
        }
        // Exact durations: whole minutes of a window that opens mid-minute would lose its
        // seconds each time the walk crosses into the next day.
        let (mut at, mut left) = (start, Duration::minutes(minutes.max(0)));
        // A year of days bounds the walk whatever the input.
        for _ in 0..(366 + minutes / 60) {
            if let Some((open, close)) = self.window(at.with_timezone(&self.zone())) {
                let from = at.max(open);
                if from < close {
                    let available = close - from;
                    if left <= available {
                        return from + left;
                    }
                    left -= available;
                }
            }
            at = self.next_midnight(at);
        }
        at + left
    }

    /// Business minutes between `from` and `to` (0 when `to` is not later).
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if !self.is_valid() {
            return (to - from).num_minutes().max(0);
        }
        let (mut at, mut total) = (from, Duration::zero());
        while at < to {
            if let Some((open, close)) = self.window(at.with_timezone(&self.zone())) {
                let (a, b) = (at.max(open), to.min(close));
                if a < b {
                    total += b - a;
                }
            }
            at = self.next_midnight(at);
        }
        total.num_minutes()
    }
}

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
    fn clock(&self, hours: &BusinessHours) -> BusinessHours {
        if self.around_clock {
            BusinessHours {
                days: [true; 7],
                start_minute: 0,
                end_minute: 24 * 60,
                ..*hours
            }
        } else {
            *hours
        }
    }

    /// When the first response and the resolution are due for a ticket created at `created`.
    pub fn due(
        &self,
        created: DateTime<Utc>,
        hours: &BusinessHours,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        let clock = self.clock(hours);
        (
            clock.add(created, self.first_response_minutes),
            clock.add(created, self.resolution_minutes),
        )
    }

    /// How much of the first-response target has been used by `now`, in percent.
    pub fn first_response_used(
        &self,
        created: DateTime<Utc>,
        now: DateTime<Utc>,
        hours: &BusinessHours,
    ) -> u32 {
        self.used(created, now, self.first_response_minutes, hours)
    }

    /// When the next response is due to a customer waiting since `waiting_since`.
    pub fn next_response_due(
        &self,
        waiting_since: DateTime<Utc>,
        hours: &BusinessHours,
    ) -> DateTime<Utc> {
        self.clock(hours)
            .add(waiting_since, self.next_response_minutes)
    }

    /// How much of the next-response target a customer waiting since `waiting_since` has used
    /// by `now`, in percent.
    pub fn next_response_used(
        &self,
        waiting_since: DateTime<Utc>,
        now: DateTime<Utc>,
        hours: &BusinessHours,
    ) -> u32 {
        self.used(waiting_since, now, self.next_response_minutes, hours)
    }

    /// The share of a `target` of minutes used from `from` to `now`, in percent.
    fn used(
        &self,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
        target: i64,
        hours: &BusinessHours,
    ) -> u32 {
        let used = self.clock(hours).minutes_between(from, now);
        (used * 100 / target.max(1)).clamp(0, u32::MAX as i64) as u32
    }
}

#[cfg(test)]
#[path = "sla_tests.rs"]
mod tests;
