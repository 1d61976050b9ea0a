//! Behaviour a dashboard user would notice, checked on a 20,000-ticket sample (seed 42).

use super::tone::ESCALATION_MARKERS;
use super::*;
use crate::domain::{SentimentLabel, Status};
use chrono::{Datelike, Duration, NaiveTime, Timelike, Weekday};
use std::collections::HashSet;
use std::sync::OnceLock;

pub(super) fn end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

pub(super) fn cfg(tickets: usize, seed: u64) -> DemoConfig {
    DemoConfig {
        tickets,
        seed,
        end: end(),
    }
}

/// The shared sample: 20,000 tickets, seed 42.
pub(super) fn sample() -> &'static [NewTicket] {
    static SAMPLE: OnceLock<Vec<NewTicket>> = OnceLock::new();
    SAMPLE.get_or_init(|| generate(&cfg(20_000, 42)).collect())
}

pub(super) fn share(pred: impl Fn(&NewTicket) -> bool) -> f64 {
    let t = sample();
    t.iter().filter(|x| pred(x)).count() as f64 / t.len() as f64
}

#[test]
fn same_config_gives_same_tickets_and_another_seed_differs() {
    let a: Vec<NewTicket> = generate(&cfg(1500, 7)).collect();
    let b: Vec<NewTicket> = generate(&cfg(1500, 7)).collect();
    assert_eq!(a, b);
    assert_eq!(incidents(&cfg(1500, 7)), incidents(&cfg(1500, 7)));
    let c: Vec<NewTicket> = generate(&cfg(1500, 8)).collect();
    let same = a.iter().zip(&c).filter(|(x, y)| x.body == y.body).count();
    assert!(same < 15, "{same} identical bodies across seeds");
}

#[test]
fn the_stream_can_outlive_its_config_and_move_across_threads() {
    fn sendable<T: Send + 'static>(stream: T) -> T {
        stream
    }
    let stream = sendable(generate(&cfg(3, 1)));
    let handle = std::thread::spawn(move || stream.count());
    assert_eq!(handle.join().ok(), Some(3));
}

#[test]
fn yields_exactly_the_requested_count() {
    for n in [0, 1, 7, 50, 333, 4_000] {
        assert_eq!(generate(&cfg(n, 3)).count(), n, "tickets = {n}");
        let extra: u32 = incidents(&cfg(n, 3))
            .iter()
            .map(|i| i.extra_per_day * i.days)
            .sum();
        assert!(extra as usize <= n / 10);
    }
}

#[test]
fn external_ids_are_unique_and_follow_the_pattern() {
    let ids: HashSet<&str> = sample().iter().map(|t| t.external_id.as_str()).collect();
    assert_eq!(ids.len(), sample().len());
    assert!(ids.contains("DEMO-42-0000000") && ids.contains("DEMO-42-0019999"));
}

#[test]
fn timestamps_are_consistent_and_inside_the_year() {
    let first = (end() - Duration::days(364))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let cutoff = end().and_time(NaiveTime::MIN).and_utc() + Duration::seconds(86_399);
    for t in sample() {
        assert!(
            t.created_at >= first && t.created_at <= cutoff,
            "{}",
            t.created_at
        );
        if let Some(f) = t.first_response_at {
            assert!(f >= t.created_at && f <= cutoff);
        }
        match t.resolved_at {
            Some(r) => {
                assert!(matches!(t.status, Status::Resolved | Status::Closed));
                assert!(t.first_response_at.is_some_and(|f| f <= r) && r <= cutoff);
            }
            None => assert!(t.status.is_open() && t.csat.is_none()),
        }
        assert!(t.csat.is_none_or(|c| (1..=5).contains(&c)));
        assert!(!t.subject.trim().is_empty() && !t.body.trim().is_empty());
        let texts = [&t.subject, &t.body];
        assert!(
            texts.iter().all(|s| !s.contains('{') && !s.contains('}')),
            "{}",
            t.body
        );
    }
}

#[test]
fn sentiment_shares_are_realistic() {
    let neg = share(|t| t.sentiment == Some(SentimentLabel::Negative));
    let neu = share(|t| t.sentiment == Some(SentimentLabel::Neutral));
    let pos = share(|t| t.sentiment == Some(SentimentLabel::Positive));
    assert!((0.45..=0.55).contains(&neg), "negative {neg}");
    assert!((0.35..=0.45).contains(&neu), "neutral {neu}");
    assert!((0.08..=0.15).contains(&pos), "positive {pos}");
}

fn has_escalation_wording(t: &NewTicket) -> bool {
    let body = t.body.to_lowercase();
    ESCALATION_MARKERS.iter().any(|m| body.contains(m))
}

#[test]
fn escalations_are_a_few_percent_and_match_the_wording() {
    let esc = share(|t| t.escalate == Some(true));
    assert!((0.02..=0.08).contains(&esc), "escalation {esc}");
    for t in sample() {
        assert_eq!(
            t.escalate == Some(true),
            has_escalation_wording(t),
            "{}",
            t.body
        );
    }
    let urgent = |t: &NewTicket| t.priority.rank() >= 3;
    let escalated: Vec<&NewTicket> = sample()
        .iter()
        .filter(|t| t.escalate == Some(true))
        .collect();
    let high = escalated.iter().filter(|t| urgent(t)).count() as f64 / escalated.len() as f64;
    assert!(high > 0.8 && share(urgent) < 0.45, "{high}");
}

#[test]
fn weekdays_are_busier_than_weekends_and_nights_are_quiet() {
    let (mut weekday, mut weekend, mut night, mut midday) = (0usize, 0usize, 0usize, 0usize);
    for t in sample() {
        match t.created_at.weekday() {
            Weekday::Sat | Weekday::Sun => weekend += 1,
            _ => weekday += 1,
        }
        match t.created_at.hour() {
            0..=4 => night += 1,
            10..=14 => midday += 1,
            _ => {}
        }
    }
    let ratio = (weekend as f64 / 2.0) / (weekday as f64 / 5.0);
    assert!((0.35..=0.65).contains(&ratio), "weekend/weekday {ratio}");
    assert!(midday > 8 * night, "{midday} vs {night}");
}

#[test]
fn incidents_show_as_spikes() {
    let incs = incidents(&cfg(20_000, 42));
    assert!((2..=3).contains(&incs.len()));
    let first = end() - Duration::days(364);
    for inc in incs {
        let mut daily = vec![0usize; 365];
        for t in sample() {
            if t.product.as_deref() == Some(inc.product)
                && t.category.as_deref() == Some(inc.category)
            {
                daily[(t.created_at.date_naive() - first).num_days() as usize] += 1;
            }
        }
        let s = (inc.start - first).num_days() as usize;
        let during = &daily[s..s + inc.days as usize];
        let mut outside: Vec<usize> = daily[..s]
            .iter()
            .chain(&daily[s + inc.days as usize..])
            .copied()
            .collect();
        outside.sort_unstable();
        let median = outside[outside.len() / 2].max(1) as f64;
        let mean = during.iter().sum::<usize>() as f64 / during.len() as f64;
        assert!(mean >= 3.0 * median, "{inc:?}: {mean} vs median {median}");
    }
}
