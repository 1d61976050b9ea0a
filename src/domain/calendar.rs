//! Business calendars: a team's weekly hours in its own time zone, less its holidays, and the
//! walk that counts business minutes correctly across daylight-saving changes.

use crate::domain::sla::BusinessHours;
use chrono::{DateTime, Datelike, Duration, FixedOffset, LocalResult, NaiveDate, TimeZone, Utc};
use std::collections::BTreeSet;
use std::ops::RangeInclusive;

/// How local dates and times of a zone map to instants. Any chrono zone is one: a fixed offset
/// here, a named IANA zone (chrono-tz) on the server.
pub trait LocalClock: Send + Sync {
    /// The instant of `minute` minutes after local midnight on `date` (1440 is the next
    /// midnight). A local time a daylight-saving change skips reads as the first one after it; a
    /// repeated one as its first occurrence.
    fn instant(&self, date: NaiveDate, minute: u32) -> DateTime<Utc>;
    /// The local date at `at`.
    fn date_of(&self, at: DateTime<Utc>) -> NaiveDate;
}

impl<Z> LocalClock for Z
where
    Z: TimeZone + Send + Sync,
{
    fn instant(&self, date: NaiveDate, minute: u32) -> DateTime<Utc> {
        let local = date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(minute.into());
        // Skipped times: walk forward to the end of the gap (DST gaps are at most a few hours).
        for shift in 0..=24 * 60 {
            match self.from_local_datetime(&(local + Duration::minutes(shift))) {
                LocalResult::Single(t) => return t.with_timezone(&Utc),
                LocalResult::Ambiguous(first, _) => return first.with_timezone(&Utc),
                LocalResult::None => {}
            }
        }
        Utc.from_utc_datetime(&local)
    }

    fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(self).date_naive()
    }
}

/// The zone a calendar reads local times in.
#[derive(Clone, Copy)]
enum Zone<'a> {
    Fixed(FixedOffset),
    Named(&'a dyn LocalClock),
}

impl Zone<'_> {
    fn clock(&self) -> &dyn LocalClock {
        match self {
            Zone::Fixed(z) => z,
            Zone::Named(z) => *z,
        }
    }
}

/// Business hours read in a zone: what SLA clocks count.
#[derive(Clone, Copy)]
pub struct Calendar<'a> {
    hours: &'a BusinessHours,
    zone: Zone<'a>,
}

impl<'a> Calendar<'a> {
    /// The hours at their fixed UTC offset (hours saved before time zones were named).
    pub fn fixed(hours: &'a BusinessHours) -> Self {
        let offset = FixedOffset::east_opt(hours.utc_offset_minutes * 60)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC is an offset"));
        Calendar {
            hours,
            zone: Zone::Fixed(offset),
        }
    }

    /// The hours in a named zone (resolved by the caller from `hours.time_zone`).
    pub fn in_zone(hours: &'a BusinessHours, zone: &'a dyn LocalClock) -> Self {
        Calendar {
            hours,
            zone: Zone::Named(zone),
        }
    }

    pub fn hours(&self) -> &BusinessHours {
        self.hours
    }

    /// The business window of a local date, if it is a working day and no holiday.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let h = self.hours;
        if !h.days[date.weekday().num_days_from_monday() as usize] || h.holidays.contains(&date) {
            return None;
        }
        let clock = self.zone.clock();
        Some((
            clock.instant(date, h.start_minute),
            clock.instant(date, h.end_minute),
        ))
    }

    /// The moment `minutes` business minutes after `start`.
    pub fn add(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let left = Duration::minutes(minutes.max(0));
        if !self.hours.is_valid() {
            return start + left;
        }
        let mut left = left;
        let mut date = self.zone.clock().date_of(start);
        // Bounded whatever the input: enough days for the target at one working day a week, a
        // year of holidays on top.
        let day = i64::from(self.hours.end_minute - self.hours.start_minute).max(1);
        let bound = 2 * 366 + (minutes.max(0) / day + 1) * 7 + self.hours.holidays.len() as i64;
        for _ in 0..bound {
            if let Some((open, close)) = self.window(date) {
                let from = start.max(open);
                if from < close {
                    let available = close - from;
                    if left <= available {
                        return from + left;
                    }
                    left -= available;
                }
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        start + left
    }

    /// Business minutes between `from` and `to` (0 when `to` is not later).
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.minutes_between_capped(from, to, i64::MAX)
    }

    /// Business minutes between `from` and `to`, counting no further than `cap` minutes (a
    /// percentage of a target need not walk years of days).
    pub fn minutes_between_capped(&self, from: DateTime<Utc>, to: DateTime<Utc>, cap: i64) -> i64 {
        if to <= from {
            return 0;
        }
        if !self.hours.is_valid() {
            return (to - from).num_minutes().min(cap);
        }
        let clock = self.zone.clock();
        let (mut date, last) = (clock.date_of(from), clock.date_of(to));
        let mut total = Duration::zero();
        while date <= last && total.num_minutes() < cap {
            if let Some((open, close)) = self.window(date) {
                let (a, b) = (from.max(open), to.min(close));
                if a < b {
                    total += b - a;
                }
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        total.num_minutes().min(cap)
    }
}

/// The longest holiday text read.
const MAX_HOLIDAY_TEXT: usize = 1 << 20;

/// Holiday dates from a file: an iCalendar (`DTSTART;VALUE=DATE:20261225`, multi-day events
/// included, recurring ones expanded within `recurring` and their EXDATEs left out) or a CSV /
/// plain list whose first column holds `YYYY-MM-DD` dates (a header line and blank lines are
/// skipped). An error names the first line that is neither.
pub fn parse_holidays(
    text: &str,
    recurring: &RangeInclusive<NaiveDate>,
) -> Result<BTreeSet<NaiveDate>, String> {
    if text.len() > MAX_HOLIDAY_TEXT {
        return Err("the holiday list is over 1 MB; paste this year's and next year's only".into());
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with("BEGIN:VCALENDAR") {
        return crate::domain::ical::holidays(text, recurring);
    }
    let mut dates = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let first = line
            .split([',', ';', '\t'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        if first.is_empty() {
            continue;
        }
        match NaiveDate::parse_from_str(first, "%Y-%m-%d") {
            Ok(d) => {
                dates.insert(d);
            }
            // A header: the first line, not starting with a digit.
            Err(_) if i == 0 && !first.starts_with(|c: char| c.is_ascii_digit()) => {}
            Err(_) => {
                return Err(format!(
                    "line {}: {first:?} is not a date (YYYY-MM-DD)",
                    i + 1
                ))
            }
        }
    }
    Ok(dates)
}

/// The holidays a year's worth of recurring calendar entries is expanded over: this year and
/// the next (importing the calendar again later extends it).
pub fn recurring_window(today: NaiveDate) -> RangeInclusive<NaiveDate> {
    let year = today.year();
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let last = NaiveDate::from_ymd_opt(year + 1, 12, 31).unwrap_or(today);
    first..=last
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
