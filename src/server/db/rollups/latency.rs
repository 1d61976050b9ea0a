//! Median first-response and resolution times from the latency cubes' bucket histograms.

use super::sources::{latency_rows, Span};
use super::FILTERS;
use crate::domain::analytics::{AnalyticsFilter, Period};
use sqlx::PgExecutor;

/// Which latency a median is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    FirstResponse,
    Resolution,
}

impl Latency {
    fn code(self) -> &'static str {
        match self {
            Latency::FirstResponse => "f",
            Latency::Resolution => "r",
        }
    }
}

/// Median seconds of `kind` in `current` and in `previous` (None where no ticket has one).
pub async fn medians(
    db: impl PgExecutor<'_>,
    kind: Latency,
    current: Period,
    previous: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<(Option<f64>, Option<f64>)> {
    let sql = format!(
        "SELECT day >= $7 AS current, bucket, sum(n)::int8
         FROM {from} WHERE {FILTERS} AND kind = $8::\"char\"
         GROUP BY 1, 2 ORDER BY 1, 2",
        from = latency_rows(f, &Span::of(previous.from, current.to, Some(current.from))),
    );
    let rows: Vec<(bool, i16, i64)> =
        bind_filters!(sqlx::query_as(&sql), previous.from, current.to, f)
            .bind(current.from)
            .bind(kind.code())
            .fetch_all(db)
            .await?;
    let pick = |want: bool| {
        let hist: Vec<(i16, i64)> = rows
            .iter()
            .filter(|r| r.0 == want)
            .map(|r| (r.1, r.2))
            .collect();
        median_of_buckets(&hist)
    };
    Ok((pick(true), pick(false)))
}

/// The lower edge in seconds of latency bucket `b` (the SQL `latency_bucket`: bucket 0 is under a
/// minute, bucket b ≥ 1 starts at 60 · 2^((b − 1) / 4) seconds).
pub fn bucket_start(b: i16) -> f64 {
    if b <= 0 {
        0.0
    } else {
        60.0 * 2f64.powf((b - 1) as f64 / 4.0)
    }
}

/// The median of a histogram of (bucket, count) sorted by bucket, interpolated geometrically
/// inside the bucket that holds it.
pub fn median_of_buckets(hist: &[(i16, i64)]) -> Option<f64> {
    let total: i64 = hist.iter().map(|h| h.1).sum();
    if total <= 0 {
        return None;
    }
    let half = total as f64 / 2.0;
    let mut seen = 0.0;
    for &(b, n) in hist {
        if n <= 0 {
            continue;
        }
        if seen + n as f64 >= half {
            let within = (half - seen) / n as f64;
            let (lo, hi) = (bucket_start(b), bucket_start(b + 1));
            return Some(if b <= 0 {
                hi * within
            } else {
                lo * (hi / lo).powf(within)
            });
        }
        seen += n as f64;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_edges_grow_by_a_quarter_octave() {
        assert_eq!(bucket_start(0), 0.0);
        assert_eq!(bucket_start(1), 60.0);
        assert!((bucket_start(5) - 120.0).abs() < 1e-9);
        assert!((bucket_start(2) / bucket_start(1) - 2f64.powf(0.25)).abs() < 1e-12);
    }

    #[test]
    fn the_median_lies_in_the_bucket_holding_the_middle_ticket() {
        assert_eq!(median_of_buckets(&[]), None);
        // 1 ticket in bucket 1 (1–1.19 min), 3 in bucket 5 (2–2.38 min): the middle is in bucket 5.
        let m = median_of_buckets(&[(1, 1), (5, 3)]).unwrap();
        assert!((120.0..bucket_start(6)).contains(&m), "{m}");
        // Evenly split between two buckets: the median is the upper edge of the first.
        let m = median_of_buckets(&[(1, 2), (9, 2)]).unwrap();
        assert!((m - bucket_start(2)).abs() < 1e-9, "{m}");
    }
}
