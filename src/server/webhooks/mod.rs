//! Outbound webhooks: events fanned out to subscriptions, each delivery signed and sent by the worker with retries, backoff with jitter and a dead-letter state.

pub mod sign;

use crate::server::db::webhooks::{self as store, Attempt, Due, Outcome};
use chrono::Utc;
use rand::Rng;
use sqlx::PgPool;
use std::time::{Duration, Instant};

/// The event kinds a subscription can choose.
pub use crate::domain::events::EVENTS;

/// Headers of every delivery besides the signature.
pub const DELIVERY_HEADER: &str = "TicketLens-Delivery";
pub const EVENT_HEADER: &str = "TicketLens-Event";
pub const TIMESTAMP_HEADER: &str = "TicketLens-Timestamp";

/// How deliveries are sent and retried.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The first retry delay; each further attempt doubles it, times a jitter in [0.5, 1).
    pub base: Duration,
    /// No retry waits longer than this.
    pub max_delay: Duration,
    /// After this many attempts a delivery is dead (until replayed).
    pub max_attempts: i32,
    /// A receiver that takes longer has timed out (and is retried).
    pub timeout: Duration,
    /// Deliveries sent at once.
    pub batch: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            base: Duration::from_secs(30),
            max_delay: Duration::from_secs(6 * 3600),
            max_attempts: 8,
            timeout: Duration::from_secs(10),
            batch: 20,
        }
    }
}

impl Policy {
    /// The wait after failed attempt `attempt` (from 1), jittered.
    pub fn backoff(&self, attempt: i32) -> Duration {
        let doubled = self
            .base
            .saturating_mul(1u32 << (attempt - 1).clamp(0, 20) as u32);
        doubled
            .min(self.max_delay)
            .mul_f64(rand::thread_rng().gen_range(0.5..1.0))
    }

    /// What attempt `attempt` ending with HTTP `status` (None: no response) leads to. Timeouts,
    /// refused connections, 408, 425, 429 and 5xx are retried (429 no sooner than its
    /// Retry-After); any other answer outside 2xx is final.
    pub fn outcome(
        &self,
        attempt: i32,
        status: Option<u16>,
        retry_after: Option<Duration>,
    ) -> Outcome {
        let retry = match status {
            Some(200..=299) => return Outcome::Delivered,
            None | Some(408 | 425 | 429 | 500..=599) => true,
            Some(_) => false,
        };
        if !retry || attempt >= self.max_attempts {
            return Outcome::Dead;
        }
        let wait = self.backoff(attempt);
        Outcome::RetryAfter(retry_after.map_or(wait, |r| wait.max(r.min(self.max_delay))))
    }
}

/// Sends deliveries: the HTTP client (no redirects followed) and the policy.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    pub policy: Policy,
}

impl Sender {
    pub fn new(policy: Policy) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(policy.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("TicketLens-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Sender { client, policy })
    }

    /// Fans new events out and sends one batch of due deliveries; returns how many events and
    /// deliveries it handled (0: nothing to do).
    pub async fn step(&self, pool: &PgPool) -> anyhow::Result<usize> {
        let (events, _) = store::fan_out(pool, 500).await?;
        // The lease outlasts a whole batch of timeouts; a worker that dies lets go after it.
        let lease = self.policy.timeout * 2 + Duration::from_secs(30);
        let due = store::claim_due(pool, self.policy.batch, lease).await?;
        let sent = futures::future::join_all(due.iter().map(|d| self.deliver(pool, d))).await;
        for result in sent {
            result?;
        }
        Ok(events as usize + due.len())
    }

    /// Sends one delivery, logs the attempt and moves the delivery on.
    async fn deliver(&self, pool: &PgPool, due: &Due) -> anyhow::Result<()> {
        let body = serde_json::to_vec(&serde_json::json!({
            "id": due.id,
            "event": due.kind,
            "event_id": due.event_id,
            "occurred_at": due.occurred_at,
            "data": due.payload,
        }))?;
        let timestamp = Utc::now().timestamp();
        let headers = [
            ("Content-Type", "application/json".to_string()),
            (DELIVERY_HEADER, due.id.clone()),
            (EVENT_HEADER, due.kind.clone()),
            (TIMESTAMP_HEADER, timestamp.to_string()),
            (
                sign::SIGNATURE_HEADER,
                sign::header_value(&due.secret, timestamp, &body),
            ),
        ];
        let mut request = self.client.post(&due.url);
        for (name, value) in &headers {
            request = request.header(*name, value);
        }
        let started_at = Utc::now();
        let clock = Instant::now();
        let (status, retry_after, excerpt, error) = match request.body(body).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let excerpt = excerpt(response).await;
                let error = (!(200..300).contains(&status)).then(|| format!("HTTP {status}"));
                (Some(status), retry_after, Some(excerpt), error)
            }
            Err(e) => {
                let why = if e.is_timeout() {
                    format!("timed out after {:?}", self.policy.timeout)
                } else if e.is_connect() {
                    "could not connect".to_string()
                } else {
                    "request failed".to_string()
                };
                (None, None, None, Some(format!("{why}: {e}")))
            }
        };
        let outcome = self.policy.outcome(due.attempt, status, retry_after);
        if outcome != Outcome::Delivered {
            tracing::warn!(delivery = %due.id, attempt = due.attempt, ?status, ?outcome,
                error = error.as_deref().unwrap_or(""), "webhook delivery failed");
        }
        let request_headers: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(v.as_str())))
            .collect();
        let attempt = Attempt {
            attempt: due.attempt,
            started_at,
            duration_ms: clock.elapsed().as_millis().min(i32::MAX as u128) as i32,
            request_headers: request_headers.into(),
            status_code: status.map(i32::from),
            response_excerpt: excerpt,
            error,
        };
        store::finish_attempt(pool, &due.id, &attempt, outcome).await?;
        Ok(())
    }
}

/// How much of a response body the attempt log keeps.
const EXCERPT_BYTES: usize = 1000;

/// The start of a response body (read no further than that), as text.
async fn excerpt(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while kept.len() < EXCERPT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
            _ => break,
        }
    }
    kept.truncate(EXCERPT_BYTES);
    String::from_utf8_lossy(&kept).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_with_jitter_up_to_the_cap() {
        let p = Policy::default();
        for attempt in 1..=6 {
            let full = p.base * (1 << (attempt - 1));
            let wait = p.backoff(attempt);
            assert!(
                wait >= full / 2 && wait < full,
                "attempt {attempt}: {wait:?}"
            );
        }
        assert!(p.backoff(30) <= p.max_delay);
    }

    #[test]
    fn only_transient_failures_are_retried_and_only_up_to_the_limit() {
        let p = Policy::default();
        assert_eq!(p.outcome(1, Some(204), None), Outcome::Delivered);
        for transient in [None, Some(408), Some(429), Some(500), Some(503)] {
            assert!(
                matches!(p.outcome(1, transient, None), Outcome::RetryAfter(_)),
                "{transient:?}"
            );
            assert_eq!(p.outcome(p.max_attempts, transient, None), Outcome::Dead);
        }
        for final_answer in [Some(301), Some(400), Some(401), Some(404), Some(410)] {
            assert_eq!(p.outcome(1, final_answer, None), Outcome::Dead);
        }
        // A 429 waits at least as long as it asks.
        let Outcome::RetryAfter(wait) = p.outcome(1, Some(429), Some(Duration::from_secs(600)))
        else {
            panic!("429 is retried");
        };
        assert_eq!(wait, Duration::from_secs(600));
    }
}
