//! What the alerts job finds in the rollup series (spikes, steady growth, new clusters) and how new findings are matched to the alerts already stored.

use super::spikes::{keeps_growing, spikes, weekday_profile, SpikeParams};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

/// Alert kinds as stored in `alerts.kind`.
pub const SPIKE: &str = "spike";
pub const GROWTH: &str = "growth";
pub const NEW_CLUSTER: &str = "new_cluster";

/// Weeks a category or cluster must have grown in a row to count as a recurring issue.
pub const GROWTH_WEEKS: usize = 3;
/// How much bigger its last week must be than the week before the run.
pub const GROWTH_FACTOR: f64 = 1.5;
/// Fewest tickets in its last week.
pub const GROWTH_MIN: i64 = 20;
/// Days a cluster's tickets count as recent, and the share of them that makes it new.
pub const NEW_CLUSTER_DAYS: i64 = 28;
pub const NEW_CLUSTER_SHARE: f64 = 0.5;
pub const NEW_CLUSTER_MIN: i64 = 10;

/// What an alert is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Subject {
    pub product_id: Option<i64>,
    pub category: Option<String>,
    pub cluster_id: Option<i64>,
}

/// One alert as detected.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: &'static str,
    pub subject: Subject,
    pub since: NaiveDate,
    pub until: NaiveDate,
    pub tickets: i64,
    pub expected: f64,
    pub p_value: Option<f64>,
}

/// Spikes in every series (daily counts from `start`), with the weekly shape of `total`. Days
/// before the first ticket of all are no history: the baseline starts with the data.
pub fn spike_findings(
    series: &BTreeMap<Subject, Vec<i64>>,
    total: &[i64],
    start: NaiveDate,
    params: &SpikeParams,
) -> Vec<Finding> {
    let Some(first) = total.iter().position(|&n| n > 0) else {
        return Vec::new();
    };
    let start = start + Duration::days(first as i64);
    let profile = weekday_profile(&total[first..], start);
    series
        .iter()
        .flat_map(|(subject, counts)| {
            spikes(&counts[first.min(counts.len())..], start, &profile, params)
                .into_iter()
                .map(|s| Finding {
                    kind: SPIKE,
                    subject: subject.clone(),
                    since: s.since,
                    until: s.until,
                    tickets: s.tickets,
                    expected: s.expected,
                    p_value: Some(s.p_value),
                })
        })
        .collect()
}

/// Sums of the complete weeks of `daily` (from `start`) that end on the last day, oldest first.
pub fn weekly(daily: &[i64]) -> Vec<i64> {
    let mut weeks: Vec<i64> = daily.rchunks_exact(7).map(|w| w.iter().sum()).collect();
    weeks.reverse();
    weeks
}

/// Series whose weekly counts grew `GROWTH_WEEKS` weeks in a row, up to the last day.
pub fn growth_findings(series: &BTreeMap<Subject, Vec<i64>>, start: NaiveDate) -> Vec<Finding> {
    series
        .iter()
        .filter_map(|(subject, daily)| {
            let weeks = weekly(daily);
            if !keeps_growing(&weeks, GROWTH_WEEKS, GROWTH_FACTOR, GROWTH_MIN) {
                return None;
            }
            let end = start + Duration::days(daily.len() as i64 - 1);
            Some(Finding {
                kind: GROWTH,
                subject: subject.clone(),
                since: end - Duration::days(7 * GROWTH_WEEKS as i64 - 1),
                until: end,
                tickets: weeks[weeks.len() - 1],
                expected: weeks[weeks.len() - 1 - GROWTH_WEEKS] as f64,
                p_value: None,
            })
        })
        .collect()
}

/// A cluster of the newest run: its size, its tickets in the recent days and the first of them.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRecency {
    pub cluster_id: i64,
    pub size: i64,
    pub recent: i64,
    pub first_recent: Option<NaiveDate>,
}

/// Clusters most of whose tickets are recent, when the run as a whole has only `recent_share`
/// of its tickets in those days: a topic that was not there before.
pub fn new_cluster_findings(
    clusters: &[ClusterRecency],
    recent_share: f64,
    end: NaiveDate,
) -> Vec<Finding> {
    clusters
        .iter()
        .filter(|c| {
            c.size >= NEW_CLUSTER_MIN
                && c.recent as f64 >= NEW_CLUSTER_SHARE * c.size as f64
                && (c.recent as f64) >= 2.0 * recent_share * c.size as f64
        })
        .map(|c| Finding {
            kind: NEW_CLUSTER,
            subject: Subject {
                cluster_id: Some(c.cluster_id),
                ..Subject::default()
            },
            since: c
                .first_recent
                .unwrap_or(end - Duration::days(NEW_CLUSTER_DAYS - 1)),
            until: end,
            tickets: c.recent,
            expected: recent_share * c.size as f64,
            p_value: None,
        })
        .collect()
}

/// An alert already stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub id: i64,
    pub kind: String,
    pub subject: Subject,
    pub since: NaiveDate,
    pub until: NaiveDate,
}

/// How stored alerts change: findings that continue a stored alert update it (same id), the
/// others are new, and stored alerts no finding continues are withdrawn.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    pub update: Vec<(i64, Finding)>,
    pub insert: Vec<Finding>,
    pub delete: Vec<i64>,
}

/// Matches findings to stored alerts of the same kind and subject whose days overlap or lie at
/// most two days apart.
pub fn plan(stored: &[Stored], found: Vec<Finding>) -> Plan {
    let mut taken = vec![false; stored.len()];
    let mut out = Plan::default();
    for f in found {
        let near = |s: &Stored| {
            s.kind == f.kind
                && s.subject == f.subject
                && s.since <= f.until + Duration::days(2)
                && f.since <= s.until + Duration::days(2)
        };
        match stored
            .iter()
            .enumerate()
            .position(|(i, s)| !taken[i] && near(s))
        {
            Some(i) => {
                taken[i] = true;
                out.update.push((stored[i].id, f));
            }
            None => out.insert.push(f),
        }
    }
    out.delete = stored
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(s, _)| s.id)
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn category(c: &str) -> Subject {
        Subject {
            category: Some(c.into()),
            ..Subject::default()
        }
    }

    fn finding(kind: &'static str, subject: Subject, since: &str, until: &str) -> Finding {
        Finding {
            kind,
            subject,
            since: day(since),
            until: day(until),
            tickets: 10,
            expected: 1.0,
            p_value: None,
        }
    }

    #[test]
    fn a_continuing_spike_keeps_its_alert_and_a_vanished_one_is_withdrawn() {
        let stored = vec![
            Stored {
                id: 1,
                kind: SPIKE.into(),
                subject: category("billing"),
                since: day("2026-03-01"),
                until: day("2026-03-03"),
            },
            Stored {
                id: 2,
                kind: SPIKE.into(),
                subject: category("shipping"),
                since: day("2026-02-01"),
                until: day("2026-02-02"),
            },
        ];
        let found = vec![
            finding(SPIKE, category("billing"), "2026-03-02", "2026-03-06"),
            finding(SPIKE, category("billing"), "2026-03-20", "2026-03-21"),
            finding(GROWTH, category("shipping"), "2026-02-01", "2026-02-21"),
        ];
        let p = plan(&stored, found);
        assert_eq!(p.update.len(), 1);
        assert_eq!(p.update[0].0, 1);
        assert_eq!(p.update[0].1.until, day("2026-03-06"));
        assert_eq!(
            p.insert.len(),
            2,
            "a later billing spike and a growth alert are new"
        );
        assert_eq!(p.delete, vec![2]);
    }

    #[test]
    fn weeks_end_on_the_last_day() {
        let daily: Vec<i64> = (1..=15).collect();
        // Days 2..=8 and 9..=15; the first day is not a complete week.
        assert_eq!(weekly(&daily), vec![35, 84]);
    }

    #[test]
    fn a_category_growing_three_weeks_running_is_reported_from_its_first_rising_week() {
        let start = day("2026-01-05");
        let mut per_week = vec![10, 10, 10, 10, 14, 20, 30];
        let daily: Vec<i64> = per_week
            .drain(..)
            .flat_map(|w: i64| {
                let mut days = vec![w / 7; 7];
                days[0] += w % 7;
                days
            })
            .collect();
        let series = BTreeMap::from([(category("setup"), daily.clone())]);
        let found = growth_findings(&series, start);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].until, start + Duration::days(48));
        assert_eq!(found[0].since, start + Duration::days(28));
        assert_eq!((found[0].tickets, found[0].expected), (30, 10.0));
        let flat = BTreeMap::from([(category("setup"), vec![3; 49])]);
        assert!(growth_findings(&flat, start).is_empty());
    }

    #[test]
    fn a_cluster_of_mostly_recent_tickets_is_new() {
        let end = day("2026-06-30");
        let clusters = [
            ClusterRecency {
                cluster_id: 1,
                size: 40,
                recent: 30,
                first_recent: Some(day("2026-06-20")),
            },
            // As recent as the whole run: an old topic.
            ClusterRecency {
                cluster_id: 2,
                size: 400,
                recent: 40,
                first_recent: Some(day("2026-06-03")),
            },
            // Too small to matter.
            ClusterRecency {
                cluster_id: 3,
                size: 6,
                recent: 6,
                first_recent: Some(day("2026-06-29")),
            },
        ];
        let found = new_cluster_findings(&clusters, 0.1, end);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].subject.cluster_id, Some(1));
        assert_eq!(found[0].since, day("2026-06-20"));
    }
}
