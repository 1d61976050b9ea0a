//! Business calendars: a team's weekly hours in its own time zone, less its holidays, and the
//! walk that counts business minutes correctly across daylight-saving changes.

use crate::domain::recurrence::Rule;
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

/// Holiday dates from a file: an iCalendar (`DTSTART;VALUE=DATE:20261225`, multi-day events
/// included, recurring ones expanded within `recurring` and their EXDATEs left out) or a CSV /
/// plain list whose first column holds `YYYY-MM-DD` dates (a header line and blank lines are
/// skipped). An error names the first line that is neither.
pub fn parse_holidays(
    text: &str,
    recurring: &RangeInclusive<NaiveDate>,
) -> Result<BTreeSet<NaiveDate>, String> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with("BEGIN:VCALENDAR") {
        return parse_ics(text, recurring);
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

/// An iCalendar's content lines, unfolded (a line starting with a space or tab continues the
/// one before), each with the number of its first physical line.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if let (Some(rest), Some((_, last))) = (line.strip_prefix([' ', '\t']), lines.last_mut()) {
            last.push_str(rest);
            continue;
        }
        lines.push((i + 1, line.trim_end().to_string()));
    }
    lines
}

fn parse_ics(
    text: &str,
    recurring: &RangeInclusive<NaiveDate>,
) -> Result<BTreeSet<NaiveDate>, String> {
    let mut dates = BTreeSet::new();
    let mut start: Option<NaiveDate> = None;
    let mut end: Option<NaiveDate> = None;
    let mut rule: Option<Rule> = None;
    let mut except: BTreeSet<NaiveDate> = BTreeSet::new();
    // Properties count inside events only (a time zone's own DTSTART and RRULE do not).
    let mut in_event = false;
    let date = |value: &str, n: usize| -> Result<NaiveDate, String> {
        let value = value.trim();
        let day = value.get(..8).unwrap_or(value);
        NaiveDate::parse_from_str(day, "%Y%m%d")
            .map_err(|_| format!("line {n}: {value:?} is not an iCalendar date"))
    };
    let value = |line: &str| line.rsplit(':').next().unwrap_or("").to_string();
    for (n, line) in unfold(text) {
        let upper = line.to_ascii_uppercase();
        let name = upper.split([':', ';']).next().unwrap_or("");
        match name {
            "BEGIN" if upper == "BEGIN:VEVENT" => {
                (start, end, rule) = (None, None, None);
                except.clear();
                in_event = true;
            }
            _ if !in_event => {}
            "DTSTART" => start = Some(date(&value(&line), n)?),
            "DTEND" => end = Some(date(&value(&line), n)?),
            "RRULE" => {
                let text = line.split_once(':').map_or("", |(_, v)| v);
                rule = Some(Rule::parse(text).map_err(|e| format!("line {n}: {e}"))?);
            }
            "EXDATE" => {
                for day in value(&line).split(',') {
                    except.insert(date(day, n)?);
                }
            }
            "END" if upper == "END:VEVENT" => {
                in_event = false;
                let Some(first) = start else {
                    return Err(format!("line {n}: an event without DTSTART"));
                };
                // DTEND of an all-day event is the day after its last; at most a year is taken.
                let span = end
                    .and_then(|e| e.pred_opt())
                    .filter(|l| *l >= first)
                    .map_or(0, |l| (l - first).num_days().min(365));
                let starts = match &rule {
                    Some(rule) => rule.dates(first, recurring),
                    None => vec![first],
                };
                for day in starts.into_iter().filter(|d| !except.contains(d)) {
                    for k in 0..=span {
                        dates.extend(day.checked_add_signed(Duration::days(k)));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(dates)
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
