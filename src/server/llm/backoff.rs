//! Pauses between attempts: exponential backoff with full jitter, or the server's own hint.

use rand::Rng;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::Duration;

/// Waits between attempts: full jitter over `base * 2^(n-1)` capped at `cap`, or the
/// server's own hint (`Retry-After`, Gemini's `RetryInfo`) capped at `max_hint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    pub max_hint: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
            max_hint: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The pause before attempt `failed + 1`, after `failed` failed attempts (1-based).
    pub fn delay(&self, failed: u32, hint: Option<Duration>) -> Duration {
        if let Some(hint) = hint {
            return hint.min(self.max_hint);
        }
        let exp = 2u32.saturating_pow(failed.saturating_sub(1));
        let ceiling = self.base.saturating_mul(exp).min(self.cap);
        let ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::thread_rng().gen_range(0..=ms))
    }
}

/// `Retry-After` in seconds (the HTTP-date form is ignored).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    seconds(value.parse().ok()?)
}

/// A non-negative, finite number of seconds as a duration (at most a day).
pub(crate) fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn full_jitter_stays_under_the_growing_ceiling() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
            max_hint: Duration::from_secs(5),
        };
        for (failed, ceiling) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (40, 1000),
        ] {
            let mut seen_above_half = false;
            for _ in 0..200 {
                let d = b.delay(failed, None);
                assert!(d <= Duration::from_millis(ceiling), "{failed}: {d:?}");
                seen_above_half |= d > Duration::from_millis(ceiling / 2);
            }
            assert!(
                seen_above_half,
                "jitter never used the upper half for {failed}"
            );
        }
    }

    #[test]
    fn server_hints_win_but_are_capped() {
        let b = Backoff {
            max_hint: Duration::from_secs(3),
            ..Backoff::default()
        };
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(30))),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn retry_after_reads_seconds_only() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(RETRY_AFTER, HeaderValue::from_str(v).unwrap());
            retry_after(&h)
        };
        assert_eq!(with("7"), Some(Duration::from_secs(7)));
        assert_eq!(with(" 1.5 "), Some(Duration::from_millis(1500)));
        assert_eq!(with("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(with("-1"), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
