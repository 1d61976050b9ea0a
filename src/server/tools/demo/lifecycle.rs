//! What happened to a ticket after it arrived: status, response and resolution times, CSAT.

use super::calendar::pick;
use crate::domain::{Priority, SentimentLabel, Status};
use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use rand::Rng;

/// The handling of one ticket.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    pub status: Status,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub csat: Option<i16>,
}

/// Minutes until an agent first answers: fast for urgent tickets, slower at weekends and nights.
fn response_minutes(rng: &mut impl Rng, created: DateTime<Utc>, priority: Priority) -> i64 {
    let base = match priority {
        Priority::Urgent => 25.0,
        Priority::High => 75.0,
        Priority::Medium => 200.0,
        Priority::Low => 480.0,
    };
    let mut minutes = base * rng.gen_range(0.15..2.0);
    if rng.gen_bool(0.1) {
        minutes *= 3.0;
    }
    if matches!(created.weekday(), Weekday::Sat | Weekday::Sun) {
        minutes *= 2.5;
    }
    if created.hour() < 7 || created.hour() >= 21 {
        minutes *= 1.6;
    }
    (minutes as i64).max(1)
}

/// Hours from first response to resolution.
fn resolution_hours(rng: &mut impl Rng, priority: Priority) -> f64 {
    let (lo, hi) = match priority {
        Priority::Urgent => (1.0, 24.0),
        Priority::High => (3.0, 48.0),
        Priority::Medium => (6.0, 96.0),
        Priority::Low => (12.0, 168.0),
    };
    let u: f64 = rng.gen();
    lo + (hi - lo) * u * u
}

/// CSAT 1-5, lower for unhappy and escalated customers.
fn csat(rng: &mut impl Rng, sentiment: SentimentLabel, escalate: bool) -> i16 {
    let weights: [f64; 5] = match sentiment {
        _ if escalate => [45.0, 25.0, 18.0, 8.0, 4.0],
        SentimentLabel::Negative => [22.0, 24.0, 26.0, 17.0, 11.0],
        SentimentLabel::Neutral => [5.0, 9.0, 24.0, 36.0, 26.0],
        SentimentLabel::Positive => [2.0, 3.0, 10.0, 30.0, 55.0],
    };
    pick(rng, &weights) as i16 + 1
}

/// Decides the outcome of a ticket created at `created`, seen at `cutoff` (the end of the demo).
/// Old tickets are almost all resolved or closed; recent ones are a mix.
pub(crate) fn outcome(
    rng: &mut impl Rng,
    created: DateTime<Utc>,
    cutoff: DateTime<Utc>,
    priority: Priority,
    sentiment: SentimentLabel,
    escalate: bool,
) -> Outcome {
    let age_days = (cutoff - created).num_minutes() as f64 / 1440.0;
    // A team works escalations and pressing tickets first: after two days nearly all are done,
    // and those still open have mostly been answered (their clocks run on resolution).
    let pressing = escalate || matches!(priority, Priority::High | Priority::Urgent);
    let p_done = match () {
        _ if age_days > 10.0 || (pressing && age_days > 2.0) => 0.97,
        _ if pressing => (0.3 + 0.3 * age_days).min(0.97),
        _ => (0.1 + 0.08 * age_days).min(0.97),
    };
    let first = created + Duration::minutes(response_minutes(rng, created, priority));
    let resolved = first + Duration::minutes((resolution_hours(rng, priority) * 60.0) as i64);
    let first = (first <= cutoff).then_some(first);
    if rng.gen_bool(p_done) && resolved <= cutoff {
        let closed = rng.gen_bool(if age_days > 14.0 { 0.6 } else { 0.2 });
        let csat = rng.gen_bool(0.6).then(|| csat(rng, sentiment, escalate));
        return Outcome {
            status: if closed {
                Status::Closed
            } else {
                Status::Resolved
            },
            first_response_at: first,
            resolved_at: Some(resolved),
            csat,
        };
    }
    let pending = first.is_some() && rng.gen_bool(0.45);
    let answered = pending || rng.gen_bool(if pressing && age_days > 0.5 { 0.9 } else { 0.5 });
    Outcome {
        status: if pending {
            Status::Pending
        } else {
            Status::Open
        },
        first_response_at: if answered { first } else { None },
        resolved_at: None,
        csat: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn urgent_tickets_are_answered_faster_than_low_ones() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let created = Utc.with_ymd_and_hms(2025, 3, 4, 10, 0, 0).unwrap();
        let mean = |rng: &mut ChaCha8Rng, p| -> i64 {
            (0..500)
                .map(|_| response_minutes(rng, created, p))
                .sum::<i64>()
                / 500
        };
        let (urgent, low) = (
            mean(&mut rng, Priority::Urgent),
            mean(&mut rng, Priority::Low),
        );
        assert!(urgent * 5 < low, "{urgent} vs {low}");
    }

    #[test]
    fn escalations_are_worked_first_so_few_stay_open_past_two_days() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let cutoff = Utc.with_ymd_and_hms(2025, 3, 31, 23, 59, 59).unwrap();
        let run = |rng: &mut ChaCha8Rng, days: i64, escalate: bool| {
            let outcomes: Vec<Outcome> = (0..1000)
                .map(|_| {
                    let created = cutoff - Duration::days(days);
                    // Escalated tickets are high or urgent in the demo's mix.
                    let priority = if escalate {
                        Priority::High
                    } else {
                        Priority::Medium
                    };
                    let sentiment = SentimentLabel::Negative;
                    outcome(rng, created, cutoff, priority, sentiment, escalate)
                })
                .collect();
            let open: Vec<&Outcome> = outcomes.iter().filter(|o| o.status.is_open()).collect();
            let answered = open
                .iter()
                .filter(|o| o.first_response_at.is_some())
                .count();
            (open.len(), answered)
        };
        // Four days old: nearly every escalation is done, where other tickets mostly wait.
        let (escalated, _) = run(&mut rng, 4, true);
        let (other, _) = run(&mut rng, 4, false);
        assert!(escalated < 60 && other > 400, "{escalated} vs {other}");
        // A day old: some are still open, and most of those were answered.
        let (open, answered) = run(&mut rng, 1, true);
        assert!((100..800).contains(&open), "{open}");
        assert!(answered * 10 > open * 7, "{answered} of {open}");
    }

    #[test]
    fn tickets_near_the_cutoff_are_never_resolved_in_the_future() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let cutoff = Utc.with_ymd_and_hms(2025, 3, 31, 23, 59, 59).unwrap();
        let created = cutoff - Duration::minutes(30);
        for _ in 0..1000 {
            let o = outcome(
                &mut rng,
                created,
                cutoff,
                Priority::Low,
                SentimentLabel::Neutral,
                false,
            );
            assert!(o.resolved_at.is_none() && o.status.is_open());
            assert!(o
                .first_response_at
                .is_none_or(|f| f >= created && f <= cutoff));
        }
    }
}
