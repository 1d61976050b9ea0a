//! The demo's conversations: follow-ups that grow angrier while nobody answers or when the first
//! reply missed, a second reply that fixes it, thanks after a fix. Drawn from each ticket's own
//! seed, so the tickets themselves are the same with or without their threads.

use super::vocabulary::{one, Words};
use crate::domain::import::NewTicket;
use crate::domain::message::{MessageKind, NewMessage};
use crate::domain::{SentimentLabel, Status};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const STILL_WAITING: Words = Words("threads/still waiting");
const ANGRIER: Words = Words("threads/still waiting, angrier");
const MISSED: Words = Words("threads/missed");
const SECOND_REPLY: Words = Words("threads/second reply");
const THANKS_AFTER_FIX: Words = Words("threads/thanks after fix");
const THANKS: Words = Words("threads/thanks");

/// The messages after `t`'s opening text and first reply, none later than `until`.
pub fn follow_ups(seed: u64, t: &NewTicket, until: DateTime<Utc>) -> Vec<NewMessage> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv(&t.external_id));
    let first = t
        .customer_name
        .as_deref()
        .and_then(|n| n.split_whitespace().next())
        .unwrap_or("there");
    let product = t.product.as_deref().unwrap_or("product");
    let fill = |s: &str| s.replace("{first}", first).replace("{product}", product);
    let mut out = Vec::new();
    let mut say = |kind: MessageKind, at: DateTime<Utc>, text: String| {
        if at <= until {
            out.push(NewMessage {
                ticket_ref: t.external_id.clone(),
                kind,
                author: (kind == MessageKind::Agent)
                    .then(|| t.agent.clone())
                    .flatten(),
                channel: None,
                created_at: at,
                external_id: Some(format!("{}-m{}", t.external_id, out.len() + 1)),
                body: text,
            });
        }
    };
    let unhappy = t.sentiment == Some(SentimentLabel::Negative) || t.csat.is_some_and(|c| c <= 2);
    match (t.first_response_at, t.resolved_at, t.status) {
        // Nobody answered yet: a nudge, and sometimes an angrier one a day later.
        (None, _, Status::Open | Status::Pending) if rng.gen_bool(0.3) => {
            let at = t.created_at + Duration::hours(rng.gen_range(6..30));
            say(
                MessageKind::Customer,
                at,
                fill(one(&mut rng, &STILL_WAITING)),
            );
            if rng.gen_bool(0.6) {
                let later = at + Duration::hours(rng.gen_range(12..36));
                say(MessageKind::Customer, later, fill(one(&mut rng, &ANGRIER)));
            }
        }
        // The first reply missed: an angrier follow-up, a second reply that fixes it, thanks.
        (Some(replied), Some(resolved), _) if unhappy && rng.gen_bool(0.5) => {
            let span = (resolved - replied).max(Duration::hours(3));
            let at = |share: f64| {
                replied + Duration::seconds((span.num_seconds() as f64 * share) as i64)
            };
            say(MessageKind::Customer, at(0.3), fill(one(&mut rng, &MISSED)));
            say(
                MessageKind::Agent,
                at(0.6),
                fill(one(&mut rng, &SECOND_REPLY)),
            );
            if rng.gen_bool(0.6) {
                say(
                    MessageKind::Customer,
                    at(0.9),
                    fill(one(&mut rng, &THANKS_AFTER_FIX)),
                );
            }
        }
        // A satisfied customer says thanks after the fix.
        (Some(_), Some(resolved), _) if !unhappy && rng.gen_bool(0.2) => {
            let at = resolved + Duration::minutes(rng.gen_range(10..600));
            say(MessageKind::Customer, at, fill(one(&mut rng, &THANKS)));
        }
        _ => {}
    }
    out
}

/// FNV-1a of an id: a stable per-ticket seed.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::super::{generate, DemoConfig};
    use super::*;

    #[test]
    fn threads_follow_their_tickets_in_time_and_tone() {
        let cfg = DemoConfig {
            tickets: 2_000,
            seed: 42,
            end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        };
        let until = cfg.end.and_hms_opt(23, 59, 59).unwrap().and_utc();
        let (mut threads, mut messages, mut angry, mut thanks) = (0, 0, 0, 0);
        for t in generate(&cfg) {
            let later = follow_ups(cfg.seed, &t, until);
            assert_eq!(later, follow_ups(cfg.seed, &t, until), "deterministic");
            if later.is_empty() {
                continue;
            }
            threads += 1;
            messages += later.len();
            for (i, m) in later.iter().enumerate() {
                assert!(m.created_at >= t.created_at && m.created_at <= until);
                assert_eq!(m.ticket_ref, t.external_id);
                assert_eq!(m.check(), Ok(()));
                if i > 0 {
                    assert!(m.created_at >= later[i - 1].created_at, "in time order");
                }
                let words = [
                    "unacceptable",
                    "frustrated",
                    "didn't",
                    "doesn't",
                    "annoying",
                    "angry",
                ];
                angry += usize::from(words.iter().any(|w| m.body.contains(w)));
                thanks += usize::from(m.body.to_lowercase().contains("thank"));
            }
        }
        assert!(threads > 100 && threads < 1_000, "{threads} threads");
        assert!(messages > threads, "some threads have several follow-ups");
        assert!(angry > 0 && thanks > 0, "angry {angry}, thanks {thanks}");
    }
}
