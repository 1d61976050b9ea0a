//! Reading the date spellings exports use: ISO 8601, day- or month-first dates, Unix timestamps.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};

/// A time as written: with its own offset, or local to a zone the mapping names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReadTime {
    Offset(DateTime<FixedOffset>),
    Local(NaiveDateTime),
}

/// Formats tried with no format chosen: the unambiguous ones.
const ISO_LIKE: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
];

/// Day-first and month-first spellings, offered when a file's dates need one.
pub const CHOICES: &[&str] = &[
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "unix",
    "unix_ms",
];

/// Reads `text` with `format` (a chrono format, `unix` or `unix_ms`), or without one by ISO 8601
/// and the unambiguous year-first spellings.
pub fn read_time(text: &str, format: Option<&str>) -> Option<ReadTime> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match format {
        Some("unix") => unix(t, 1),
        Some("unix_ms") => unix(t, 1000),
        Some(f) => with_format(t, f),
        None => {
            // E-mail and Twitter spellings: "Tue, 31 Oct 2017 22:10:47 +0000", "Tue Oct 31
            // 22:10:47 +0000 2017".
            if let Ok(d) = DateTime::parse_from_rfc2822(t) {
                return Some(ReadTime::Offset(d));
            }
            if let Ok(d) = DateTime::parse_from_str(t, "%a %b %d %H:%M:%S %z %Y") {
                return Some(ReadTime::Offset(d));
            }
            // Two-digit years ("22-03-21", as Excel re-saves) are ambiguous: refuse them.
            if t.split(['-', '/'])
                .next()
                .is_none_or(|year| year.len() != 4)
            {
                return None;
            }
            if let Ok(d) = DateTime::parse_from_rfc3339(t) {
                return Some(ReadTime::Offset(d));
            }
            if let Ok(d) = DateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f%:z") {
                return Some(ReadTime::Offset(d));
            }
            ISO_LIKE
                .iter()
                .chain(&["%Y-%m-%d", "%Y/%m/%d"])
                .find_map(|f| with_format(t, f))
        }
    }
}

fn with_format(t: &str, f: &str) -> Option<ReadTime> {
    if let Ok(d) = DateTime::parse_from_str(t, f) {
        return Some(ReadTime::Offset(d));
    }
    if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
        return Some(ReadTime::Local(d));
    }
    NaiveDate::parse_from_str(t, f)
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(ReadTime::Local)
}

fn unix(t: &str, per_second: i64) -> Option<ReadTime> {
    let n: i64 = t.parse().ok()?;
    let d = DateTime::from_timestamp(n.div_euclid(per_second), 0)?;
    Some(ReadTime::Offset(d.fixed_offset()))
}

/// The format that reads the most of `values` (at least half of the filled ones), or `None`
/// when ISO 8601 reads them; `ambiguous` when day-first and month-first read them equally.
pub fn guess_format(values: &[&str]) -> Option<Guess> {
    let filled: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if filled.is_empty() {
        return None;
    }
    let reads = |f: Option<&str>| filled.iter().filter(|v| read_time(v, f).is_some()).count();
    let iso = reads(None);
    let mut best: Option<(&str, usize)> = None;
    for f in CHOICES {
        // Plain integers read as Unix times only when they look like this century's.
        if f.starts_with("unix") && !looks_unix(&filled, f) {
            continue;
        }
        let n = reads(Some(f));
        if n > best.map_or(0, |b| b.1) {
            best = Some((f, n));
        }
    }
    let half = filled.len().div_ceil(2);
    match best {
        Some((f, n)) if n > iso && n >= half => {
            let twin = twin(f);
            let ambiguous = twin.is_some_and(|t| reads(Some(t)) == n);
            Some(Guess {
                format: Some(f.to_string()),
                ambiguous,
                share: n as f32 / filled.len() as f32,
            })
        }
        _ if iso >= half => Some(Guess {
            format: None,
            ambiguous: false,
            share: iso as f32 / filled.len() as f32,
        }),
        _ => None,
    }
}

/// What [`guess_format`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    /// `None`: ISO 8601.
    pub format: Option<String>,
    /// Day-first and month-first read the sample alike: the user should choose.
    pub ambiguous: bool,
    /// Share of filled values the format reads.
    pub share: f32,
}

/// The month-first spelling of a day-first format and back.
fn twin(f: &str) -> Option<&'static str> {
    let swapped = if f.starts_with("%d/%m") {
        f.replacen("%d/%m", "%m/%d", 1)
    } else if f.starts_with("%m/%d") {
        f.replacen("%m/%d", "%d/%m", 1)
    } else {
        return None;
    };
    CHOICES.iter().copied().find(|c| *c == swapped)
}

fn looks_unix(values: &[&str], f: &str) -> bool {
    let (lo, hi) = if f == "unix" {
        (946_684_800_i64, 4_102_444_800_i64)
    } else {
        (946_684_800_000, 4_102_444_800_000)
    };
    values
        .iter()
        .all(|v| v.parse::<i64>().is_ok_and(|n| (lo..hi).contains(&n)))
}
