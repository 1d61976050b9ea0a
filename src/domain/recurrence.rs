//! Recurring holidays: the part of an iCalendar RRULE that holiday calendars use, expanded to dates.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::ops::RangeInclusive;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freq {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A parsed RRULE: FREQ (DAILY to YEARLY), INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY and BYDAY
/// (with ordinals such as `4TH` or `-1MO` in monthly and yearly rules).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    freq: Freq,
    interval: u32,
    count: Option<u32>,
    until: Option<NaiveDate>,
    by_month: Vec<u32>,
    by_month_day: Vec<i32>,
    by_day: Vec<(Option<i32>, Weekday)>,
    /// The day weeks start on (WKST), which matters to weekly rules every other week or more.
    week_start: Weekday,
}

/// How much work expanding may still take; each period walked costs one, plus one per value in
/// the rule's BY lists, and each day written costs one.
pub struct Budget(u64);

impl Budget {
    pub fn new(units: u64) -> Self {
        Budget(units)
    }

    pub fn spend(&mut self, units: u64) -> Result<(), String> {
        self.0 = self.0.checked_sub(units).ok_or(
            "its recurrences need more work to list than a holiday calendar should; paste the dates instead",
        )?;
        Ok(())
    }
}

/// The largest INTERVAL, and the most values a BY list may hold.
const MAX_INTERVAL: u32 = 1000;
const MAX_LIST: usize = 64;

impl Rule {
    /// The rule from an RRULE value (`FREQ=YEARLY;BYMONTH=11;BYDAY=4TH`), or what is wrong.
    pub fn parse(value: &str) -> Result<Rule, String> {
        let mut freq = None;
        let mut rule = Rule {
            freq: Freq::Yearly,
            interval: 1,
            count: None,
            until: None,
            by_month: Vec::new(),
            by_month_day: Vec::new(),
            by_day: Vec::new(),
            week_start: Weekday::Mon,
        };
        for part in value.split(';').filter(|p| !p.trim().is_empty()) {
            let (key, v) = part
                .split_once('=')
                .ok_or_else(|| format!("RRULE part {part:?} is not KEY=VALUE"))?;
            let bad = || format!("RRULE {key}={v:?} is not valid");
            if v.split(',').count() > MAX_LIST {
                return Err(format!("RRULE {key} lists more than {MAX_LIST} values"));
            }
            let list = |lo: i32, hi: i32| -> Result<Vec<i32>, String> {
                v.split(',')
                    .map(|n| {
                        n.trim()
                            .parse::<i32>()
                            .ok()
                            .filter(|n| *n != 0 && (lo..=hi).contains(n))
                            .ok_or_else(bad)
                    })
                    .collect()
            };
            match key.trim().to_ascii_uppercase().as_str() {
                "FREQ" => {
                    freq = Some(match v.trim().to_ascii_uppercase().as_str() {
                        "DAILY" => Freq::Daily,
                        "WEEKLY" => Freq::Weekly,
                        "MONTHLY" => Freq::Monthly,
                        "YEARLY" => Freq::Yearly,
                        _ => return Err(format!("RRULE FREQ={v} is not supported for holidays (DAILY, WEEKLY, MONTHLY or YEARLY)")),
                    })
                }
                "INTERVAL" => {
                    rule.interval = v
                        .trim()
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_INTERVAL).contains(n))
                        .ok_or_else(bad)?
                }
                "COUNT" => rule.count = Some(v.trim().parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?),
                "UNTIL" => {
                    let day = v.trim().get(..8).unwrap_or(v);
                    rule.until = Some(NaiveDate::parse_from_str(day, "%Y%m%d").map_err(|_| bad())?);
                }
                "BYMONTH" => rule.by_month = list(1, 12)?.into_iter().map(|m| m as u32).collect(),
                "BYMONTHDAY" => rule.by_month_day = list(-31, 31)?,
                "BYDAY" => {
                    rule.by_day = v
                        .split(',')
                        .map(|d| by_day(d.trim()).ok_or_else(bad))
                        .collect::<Result<_, _>>()?
                }
                "WKST" => {
                    rule.week_start = by_day(v.trim())
                        .filter(|(n, _)| n.is_none())
                        .map(|(_, day)| day)
                        .ok_or_else(bad)?
                }
                other => {
                    return Err(format!(
                        "RRULE part {other} is not supported for holidays (FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY)"
                    ))
                }
            }
        }
        rule.freq = freq.ok_or("an RRULE without FREQ")?;
        rule.by_month.sort();
        rule.by_month.dedup();
        rule.by_month_day.sort();
        rule.by_month_day.dedup();
        rule.by_day
            .sort_by_key(|(n, day)| (*n, day.num_days_from_monday()));
        rule.by_day.dedup();
        let ordinals = rule.by_day.iter().any(|(n, _)| n.is_some());
        // Weekdays of a whole year (every Monday of it, the 20th Monday) are not holidays.
        let yearly_weekdays =
            rule.by_month.is_empty() && (ordinals || rule.by_month_day.is_empty());
        match rule.freq {
            Freq::Yearly if !rule.by_day.is_empty() && yearly_weekdays => {
                return Err("RRULE BYDAY in a yearly rule needs BYMONTH".into())
            }
            _ if ordinals && !rule.by_month_day.is_empty() => {
                return Err(
                    "RRULE BYDAY ordinals (such as 4TH) with BYMONTHDAY are not supported".into(),
                )
            }
            Freq::Weekly if !rule.by_month_day.is_empty() => {
                return Err("RRULE BYMONTHDAY cannot be used in a weekly rule".into())
            }
            Freq::Daily | Freq::Weekly if ordinals => {
                return Err(
                    "RRULE BYDAY ordinals (such as 4TH) need a monthly or yearly rule".into(),
                )
            }
            _ => {}
        }
        Ok(rule)
    }

    /// The days the rule repeats on from `start` (always the first), those within `within`; an
    /// error when the walk would cost more than `budget` has left.
    pub fn dates(
        &self,
        start: NaiveDate,
        within: &RangeInclusive<NaiveDate>,
        budget: &mut Budget,
    ) -> Result<Vec<NaiveDate>, String> {
        let last = match self.until {
            Some(until) => until.min(*within.end()),
            None => *within.end(),
        };
        let cost = 1 + (self.by_day.len() + self.by_month_day.len()) as u64;
        let mut out = Vec::new();
        let mut counted = 1;
        if within.contains(&start) {
            out.push(start);
        }
        let mut k = self.first_period_needed(start, *within.start());
        loop {
            budget.spend(cost)?;
            let Some((first_day, mut days)) = self.period(start, k) else {
                break;
            };
            if first_day > last {
                break;
            }
            days.sort();
            days.dedup();
            for day in days.into_iter().filter(|d| *d > start) {
                if day > last || self.count.is_some_and(|c| counted >= c) {
                    return Ok(out);
                }
                counted += 1;
                if within.contains(&day) {
                    out.push(day);
                }
            }
            k = match k.checked_add(1) {
                Some(next) => next,
                None => break,
            };
        }
        Ok(out)
    }

    /// The period to start walking from: the first, when occurrences are counted; else one
    /// period before the one holding `from` (earlier ones only hold earlier days).
    fn first_period_needed(&self, start: NaiveDate, from: NaiveDate) -> u32 {
        if self.count.is_some() || from <= start {
            return 0;
        }
        let units = match self.freq {
            Freq::Daily => (from - start).num_days(),
            Freq::Weekly => (from - start).num_days() / 7,
            Freq::Monthly => {
                i64::from(from.year() - start.year()) * 12 + i64::from(from.month0())
                    - i64::from(start.month0())
            }
            Freq::Yearly => i64::from(from.year() - start.year()),
        };
        u32::try_from((units / i64::from(self.interval) - 1).max(0)).unwrap_or(0)
    }

    /// The first day of the `k`-th period from `start` and the days of it the rule picks.
    fn period(&self, start: NaiveDate, k: u32) -> Option<(NaiveDate, Vec<NaiveDate>)> {
        let step = k.checked_mul(self.interval)?;
        match self.freq {
            Freq::Daily => {
                let day = start.checked_add_signed(Duration::days(step.into()))?;
                Some((day, self.keep(vec![day])))
            }
            Freq::Weekly => {
                // Days into the week, counted from the rule's first day of the week.
                let into = |day: Weekday| {
                    let (d, w) = (
                        day.num_days_from_monday(),
                        self.week_start.num_days_from_monday(),
                    );
                    i64::from((d + 7 - w) % 7)
                };
                let first = start.checked_sub_signed(Duration::days(into(start.weekday())))?;
                let week = first.checked_add_signed(Duration::weeks(step.into()))?;
                let days: Vec<NaiveDate> = if self.by_day.is_empty() {
                    vec![start.weekday()]
                } else {
                    self.by_day.iter().map(|(_, d)| *d).collect()
                }
                .into_iter()
                .filter_map(|d| week.checked_add_signed(Duration::days(into(d))))
                .collect();
                Some((week, self.keep(days)))
            }
            Freq::Monthly => {
                let index =
                    i64::from(start.year()) * 12 + i64::from(start.month0()) + i64::from(step);
                let year = i32::try_from(index.div_euclid(12)).ok()?;
                let month = index.rem_euclid(12) as u32 + 1;
                let first = NaiveDate::from_ymd_opt(year, month, 1)?;
                let days = if self.by_month.is_empty() || self.by_month.contains(&month) {
                    self.in_month(start, year, month)
                } else {
                    Vec::new()
                };
                Some((first, days))
            }
            Freq::Yearly => {
                let year = start.year().checked_add(i32::try_from(step).ok()?)?;
                let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
                let months = match (self.by_month.is_empty(), self.by_month_day.is_empty()) {
                    (false, _) => self.by_month.clone(),
                    // Month days without months: every month of the year.
                    (true, false) => (1..=12).collect(),
                    (true, true) => vec![start.month()],
                };
                let days = months
                    .into_iter()
                    .flat_map(|m| self.in_month(start, year, m))
                    .collect();
                Some((first, days))
            }
        }
    }

    /// The days of one month the rule picks: by month day, else by weekday, else `start`'s day.
    fn in_month(&self, start: NaiveDate, year: i32, month: u32) -> Vec<NaiveDate> {
        let Some(length) = month_length(year, month) else {
            return Vec::new();
        };
        let date = |day: i32| {
            let day = if day < 0 {
                length as i32 + 1 + day
            } else {
                day
            };
            u32::try_from(day)
                .ok()
                .and_then(|d| NaiveDate::from_ymd_opt(year, month, d))
        };
        if !self.by_month_day.is_empty() {
            let days = self.by_month_day.iter().filter_map(|d| date(*d)).collect();
            return self.keep(days);
        }
        if self.by_day.is_empty() {
            return date(start.day() as i32).into_iter().collect();
        }
        let mut days = Vec::new();
        for (n, weekday) in &self.by_day {
            let all: Vec<NaiveDate> = (1..=length as i32)
                .filter_map(date)
                .filter(|d| d.weekday() == *weekday)
                .collect();
            match n {
                None => days.extend(all),
                Some(n) if *n > 0 => days.extend(all.get(*n as usize - 1)),
                Some(n) => days.extend(
                    all.len()
                        .checked_sub(n.unsigned_abs() as usize)
                        .map(|i| all[i]),
                ),
            }
        }
        days
    }

    /// Days that also pass the rule's other filters (months, month days, weekdays without their
    /// ordinals: those only pick days within a month).
    fn keep(&self, days: Vec<NaiveDate>) -> Vec<NaiveDate> {
        days.into_iter()
            .filter(|d| self.by_month.is_empty() || self.by_month.contains(&d.month()))
            .filter(|d| {
                self.by_month_day.is_empty()
                    || self.by_month_day.iter().any(|n| {
                        let length = month_length(d.year(), d.month()).unwrap_or(31) as i32;
                        let day = if *n < 0 { length + 1 + n } else { *n };
                        day == d.day() as i32
                    })
            })
            .filter(|d| {
                self.by_day.is_empty() || self.by_day.iter().any(|(_, w)| *w == d.weekday())
            })
            .collect()
    }
}

/// `MO`, `4TH`, `-1FR`, `+2WE`.
fn by_day(text: &str) -> Option<(Option<i32>, Weekday)> {
    let split = text.len().checked_sub(2)?;
    if !text.is_char_boundary(split) {
        return None;
    }
    let (n, day) = text.split_at(split);
    let weekday = match day.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    };
    let n = match n {
        "" => None,
        n => Some(
            n.parse::<i32>()
                .ok()
                .filter(|n| *n != 0 && (-5..=5).contains(n))?,
        ),
    };
    Some((n, weekday))
}

fn month_length(year: i32, month: u32) -> Option<u32> {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    Some(next.pred_opt()?.day())
}

#[cfg(test)]
#[path = "recurrence_tests.rs"]
mod tests;
