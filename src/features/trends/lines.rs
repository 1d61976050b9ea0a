//! Turns trend points into chart lines: the largest groups, a value per time bucket.

use super::TOP;
use crate::server::db::rollups::{Grain, TrendPoint};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::HashMap;

/// The first day of every bucket of `grain` from the one holding `from` to the one holding `to`.
pub fn buckets(grain: Grain, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let start = match grain {
        Grain::Day => from,
        Grain::Week => from - Duration::days(i64::from(from.weekday().num_days_from_monday())),
        Grain::Month => from.with_day(1).unwrap_or(from),
    };
    let mut out = Vec::new();
    let mut d = start;
    while d <= to {
        out.push(d);
        d = match grain {
            Grain::Day => d + Duration::days(1),
            Grain::Week => d + Duration::days(7),
            Grain::Month => d
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(NaiveDate::MAX),
        };
    }
    out
}

/// (volume lines, negative-share lines in %) of the `TOP` groups in `order`, named by `label`.
#[allow(clippy::type_complexity)]
pub fn lines(
    points: &[TrendPoint],
    buckets: &[NaiveDate],
    order: &[String],
    label: impl Fn(&str) -> String,
) -> (
    Vec<(String, Vec<Option<f64>>)>,
    Vec<(String, Vec<Option<f64>>)>,
) {
    let index: HashMap<NaiveDate, usize> =
        buckets.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let mut volume = Vec::new();
    let mut negative = Vec::new();
    for key in order.iter().take(TOP) {
        let mut v = vec![Some(0.0); buckets.len()];
        let mut s = vec![None; buckets.len()];
        for p in points.iter().filter(|p| &p.key == key) {
            if let Some(&i) = index.get(&p.bucket) {
                v[i] = Some(p.n as f64);
                s[i] =
                    (p.analysed_n > 0).then(|| 100.0 * p.negative_n as f64 / p.analysed_n as f64);
            }
        }
        volume.push((label(key), v));
        negative.push((label(key), s));
    }
    (volume, negative)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn buckets_start_on_mondays_and_first_days() {
        assert_eq!(
            buckets(Grain::Week, d("2026-03-04"), d("2026-03-16")),
            vec![d("2026-03-02"), d("2026-03-09"), d("2026-03-16")]
        );
        assert_eq!(
            buckets(Grain::Month, d("2026-01-31"), d("2026-03-01")),
            vec![d("2026-01-01"), d("2026-02-01"), d("2026-03-01")]
        );
        assert_eq!(
            buckets(Grain::Day, d("2026-03-01"), d("2026-03-03")).len(),
            3
        );
    }

    #[test]
    fn lines_fill_empty_buckets_and_keep_the_order() {
        let p = |b: &str, k: &str, n, neg, an| TrendPoint {
            bucket: d(b),
            key: k.into(),
            n,
            negative_n: neg,
            analysed_n: an,
        };
        let points = vec![
            p("2026-03-02", "billing", 10, 5, 10),
            p("2026-03-09", "billing", 4, 0, 0),
            p("2026-03-09", "setup", 7, 7, 7),
        ];
        let b = buckets(Grain::Week, d("2026-03-02"), d("2026-03-15"));
        let order = vec!["setup".to_string(), "billing".to_string()];
        let (volume, negative) = lines(&points, &b, &order, |k| k.to_uppercase());
        assert_eq!(volume[0], ("SETUP".into(), vec![Some(0.0), Some(7.0)]));
        assert_eq!(volume[1], ("BILLING".into(), vec![Some(10.0), Some(4.0)]));
        assert_eq!(
            negative[1].1,
            vec![Some(50.0), None],
            "no analysed tickets: no point"
        );
    }
}
