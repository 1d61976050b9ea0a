//! Holiday dates from an iCalendar file: its events, their recurrences, exceptions and moved or cancelled occurrences.

use crate::domain::recurrence::{Budget, Rule};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeSet, HashMap};
use std::ops::RangeInclusive;

/// The work one file may take: periods walked (weighted by the rule's lists) and days written.
const BUDGET: u64 = 2_000_000;

/// One VEVENT as far as holidays go.
#[derive(Default)]
struct Event {
    line: usize,
    uid: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    rules: Vec<Rule>,
    extra: Vec<NaiveDate>,
    except: BTreeSet<NaiveDate>,
    /// The occurrence of another event (same UID) this one replaces.
    replaces: Option<NaiveDate>,
    cancelled: bool,
}

/// An iCalendar's content lines, unfolded (a line starting with a space or tab continues the
/// one before), each with the number of its first physical line.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let (Some(rest), Some((_, last))) = (line.strip_prefix([' ', '\t']), lines.last_mut()) {
            last.push_str(rest);
            continue;
        }
        lines.push((i + 1, line.to_string()));
    }
    lines
}

fn date(value: &str, n: usize) -> Result<NaiveDate, String> {
    let value = value.trim();
    let day = value.get(..8).unwrap_or(value);
    NaiveDate::parse_from_str(day, "%Y%m%d")
        .map_err(|_| format!("line {n}: {value:?} is not an iCalendar date"))
}

/// The events of the file; properties outside events (a time zone's own rules) are not read.
fn events(text: &str) -> Result<Vec<Event>, String> {
    let mut out = Vec::new();
    let mut event: Option<Event> = None;
    for (n, line) in unfold(text) {
        let line = line.trim_end();
        let upper = line.to_ascii_uppercase();
        let name = upper.split([':', ';']).next().unwrap_or("");
        let value = line.split_once(':').map_or("", |(_, v)| v);
        if upper == "BEGIN:VEVENT" {
            event = Some(Event {
                line: n,
                ..Event::default()
            });
            continue;
        }
        let Some(e) = event.as_mut() else {
            continue;
        };
        match name {
            "UID" => e.uid = value.trim().to_string(),
            "DTSTART" => e.start = Some(date(value, n)?),
            "DTEND" => e.end = Some(date(value, n)?),
            "RRULE" => e
                .rules
                .push(Rule::parse(value).map_err(|err| format!("line {n}: {err}"))?),
            "RDATE" => {
                for day in value.split(',') {
                    e.extra.push(date(day, n)?);
                }
            }
            "EXDATE" => {
                for day in value.split(',') {
                    e.except.insert(date(day, n)?);
                }
            }
            "RECURRENCE-ID" => e.replaces = Some(date(value, n)?),
            "STATUS" => e.cancelled = value.trim().eq_ignore_ascii_case("CANCELLED"),
            "END" if upper == "END:VEVENT" => {
                let done = event.take().expect("inside an event");
                if done.start.is_none() {
                    return Err(format!("line {n}: an event without DTSTART"));
                }
                out.push(done);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The holidays of an iCalendar text: each event's days (multi-day events included, at most a
/// year each), recurring ones within `recurring`, less their exceptions and the occurrences that
/// other events move or cancel.
pub fn holidays(
    text: &str,
    recurring: &RangeInclusive<NaiveDate>,
) -> Result<BTreeSet<NaiveDate>, String> {
    let events = events(text)?;
    // Occurrences moved or cancelled by another event, by UID.
    let mut replaced: HashMap<&str, BTreeSet<NaiveDate>> = HashMap::new();
    for e in events.iter().filter(|e| !e.uid.is_empty()) {
        if let Some(day) = e.replaces {
            replaced.entry(e.uid.as_str()).or_default().insert(day);
        }
    }
    let mut budget = Budget::new(BUDGET);
    let mut dates = BTreeSet::new();
    for e in events.iter().filter(|e| !e.cancelled) {
        let first = e.start.expect("checked when read");
        // DTEND of an all-day event is the day after its last.
        let span = e
            .end
            .and_then(|end| end.pred_opt())
            .filter(|last| *last >= first)
            .map_or(0, |last| (last - first).num_days().min(365));
        let mut starts: BTreeSet<NaiveDate> = e.extra.iter().copied().collect();
        starts.insert(first);
        for rule in &e.rules {
            let days = rule
                .dates(first, recurring, &mut budget)
                .map_err(|err| format!("the event at line {}: {err}", e.line))?;
            starts.extend(days);
        }
        let moved = match e.replaces {
            None => replaced.get(e.uid.as_str()),
            Some(_) => None,
        };
        for day in starts {
            if e.except.contains(&day) || moved.is_some_and(|m| m.contains(&day)) {
                continue;
            }
            // A recurring event's first day counts only within the window, as its others do.
            if !e.rules.is_empty() && !recurring.contains(&day) {
                continue;
            }
            budget
                .spend(span as u64 + 1)
                .map_err(|err| format!("the event at line {}: {err}", e.line))?;
            for k in 0..=span {
                dates.extend(day.checked_add_signed(Duration::days(k)));
            }
        }
    }
    Ok(dates)
}
