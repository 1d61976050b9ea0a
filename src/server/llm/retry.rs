//! Sends one JSON request with a per-attempt timeout, retrying 429/5xx/timeouts with backoff.

use super::backoff::{retry_after, Backoff};
use super::{error_message, Exchange, LlmError};
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use std::time::{Duration, Instant};

/// Everything needed to send one request; the key, if any, is only in `headers`.
pub(crate) struct WireRequest {
    pub url: String,
    pub headers: HeaderMap,
    pub body: serde_json::Value,
}

/// How sending went: the 2xx body and every exchange on the way.
#[derive(Default)]
pub(crate) struct Sent {
    pub body: String,
    pub exchanges: Vec<Exchange>,
    pub attempts: u32,
    /// Summed over attempts, including those that got no reply.
    pub latency_ms: u64,
}

/// Knobs of the retry loop, borrowed from the client.
pub(crate) struct Policy<'a> {
    pub timeout: Duration,
    pub max_attempts: u32,
    pub backoff: &'a Backoff,
    /// Removed from reply bodies and messages should a server echo it.
    pub secret: Option<&'a str>,
    /// Reads a provider-specific retry delay from an error body.
    pub body_hint: fn(&str) -> Option<Duration>,
}

/// A failure worth another attempt.
enum Failure {
    Status(u16, String),
    Timeout,
    Transport(String),
}

enum Attempt {
    Done(String),
    Retry(Failure, Option<Duration>),
    Fail(LlmError),
}

/// Posts `req` until a 2xx reply, a non-retryable status, or `max_attempts` failures.
pub(crate) async fn send(
    http: &reqwest::Client,
    req: &WireRequest,
    policy: &Policy<'_>,
) -> Result<Sent, LlmError> {
    let payload = serde_json::to_vec(&req.body).map_err(|e| LlmError::Transport {
        attempts: 0,
        message: format!("could not encode the request: {e}"),
    })?;
    let max_attempts = policy.max_attempts.max(1);
    let mut sent = Sent::default();
    loop {
        sent.attempts += 1;
        let (failure, hint) = match attempt(http, req, &payload, policy, &mut sent).await {
            Attempt::Done(body) => {
                sent.body = body;
                return Ok(sent);
            }
            Attempt::Fail(error) => return Err(error),
            Attempt::Retry(failure, hint) => (failure, hint),
        };
        if sent.attempts >= max_attempts {
            return Err(exhausted(failure, sent.attempts, policy));
        }
        let delay = policy.backoff.delay(sent.attempts, hint);
        tracing::warn!(
            attempt = sent.attempts,
            max_attempts,
            reason = %describe(&failure),
            delay_ms = millis(delay),
            "LLM request failed; retrying"
        );
        tokio::time::sleep(delay).await;
    }
}

/// One POST; records the exchange when a reply body arrives and adds the time spent.
async fn attempt(
    http: &reqwest::Client,
    req: &WireRequest,
    payload: &[u8],
    policy: &Policy<'_>,
    sent: &mut Sent,
) -> Attempt {
    let started = Instant::now();
    let result = http
        .post(&req.url)
        .headers(req.headers.clone())
        .header(CONTENT_TYPE, "application/json")
        .body(payload.to_vec())
        .timeout(policy.timeout)
        .send()
        .await;
    let received = match result {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let hint = retry_after(resp.headers());
            resp.text().await.map(|body| (status, hint, body))
        }
        Err(e) => Err(e),
    };
    let latency_ms = millis(started.elapsed());
    sent.latency_ms += latency_ms;
    let (status, header_hint, body) = match received {
        Ok(ok) => ok,
        Err(e) if e.is_timeout() => return Attempt::Retry(Failure::Timeout, None),
        Err(e) => return Attempt::Retry(Failure::Transport(redact(error_chain(&e), policy)), None),
    };
    let body = redact(body, policy);
    sent.exchanges.push(Exchange {
        request: req.body.clone(),
        reply: body.clone(),
        status,
        latency_ms,
    });
    if (200..300).contains(&status) {
        return Attempt::Done(body);
    }
    let message = error_message(&body);
    if status != 429 && !(500..600).contains(&status) {
        return Attempt::Fail(LlmError::Rejected { status, message });
    }
    let hint = header_hint.or_else(|| (policy.body_hint)(&body));
    Attempt::Retry(Failure::Status(status, message), hint)
}

fn redact(text: String, policy: &Policy<'_>) -> String {
    match policy.secret {
        Some(key) if !key.is_empty() && text.contains(key) => text.replace(key, "***"),
        _ => text,
    }
}

/// The error with its causes ("error sending request: connection refused"), which reqwest
/// otherwise hides behind its top-level message.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Status(status, _) => format!("HTTP {status}"),
        Failure::Timeout => "timeout".into(),
        Failure::Transport(message) => message.clone(),
    }
}

fn exhausted(failure: Failure, attempts: u32, policy: &Policy<'_>) -> LlmError {
    match failure {
        Failure::Status(429, message) => LlmError::RateLimited { attempts, message },
        Failure::Status(status, message) => LlmError::Server {
            status,
            attempts,
            message,
        },
        Failure::Timeout => LlmError::Timeout {
            attempts,
            timeout_ms: millis(policy.timeout),
        },
        Failure::Transport(message) => LlmError::Transport { attempts, message },
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn error_chain_includes_causes() {
        let inner = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let outer = std::io::Error::other(inner);
        assert!(super::error_chain(&outer).contains("refused"));
    }
}
