//! Builds the Trends page: changes per group against the previous period, and chart lines of the
//! largest groups, a value per time bucket.

use super::{GroupRow, Trends, TOP};
use crate::components::FilterChoices;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use crate::server::charts;
use crate::server::db::rollups::{self, Grain, Group, TrendPoint};
use chrono::{Datelike, Duration, NaiveDate};
use sqlx::PgPool;
use std::collections::HashMap;

/// The Trends page for `filter`, grouped `by` category or product, in buckets of `grain`.
pub async fn trends(
    pool: &PgPool,
    filter: AnalyticsFilter,
    by: &str,
    grain: &str,
) -> Result<Trends, AppError> {
    let choices = FilterChoices::load(pool).await?;
    let group = Group::parse(by).unwrap_or_default();
    let by = match group {
        Group::Category => "category",
        Group::Product => "product",
    }
    .to_string();
    let Some(latest) = rollups::latest_day(pool).await? else {
        return Ok(Trends {
            period: None,
            previous: None,
            choices,
            by,
            grain: Grain::Day.as_str().into(),
            volume_svg: String::new(),
            negative_svg: String::new(),
            rows: Vec::new(),
        });
    };
    let period = filter.period(latest);
    let previous = period.previous();
    let grain = Grain::parse(grain).unwrap_or(Grain::for_days(period.days()));
    let names: HashMap<String, String> = choices
        .products
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let label = |key: &str| match group {
        Group::Product => names.get(key).cloned().unwrap_or_else(|| key.to_string()),
        Group::Category => key.to_string(),
    };
    let (changes, points) = tokio::try_join!(
        rollups::group_changes(pool, group, period, previous, &filter),
        rollups::trend(pool, group, grain, period, &filter),
    )?;
    let share = |neg: i64, analysed: i64| (analysed > 0).then(|| neg as f64 / analysed as f64);
    let rows: Vec<GroupRow> = changes
        .iter()
        .map(|c| {
            let mut href = format!("/tickets?from={}&to={}", period.from, period.to);
            match group {
                Group::Product if c.key != "(none)" => {
                    href.push_str(&format!("&product={}", c.key))
                }
                Group::Category => {
                    href.push_str(&format!("&category={}", crate::domain::url::encode(&c.key)))
                }
                Group::Product => {}
            }
            GroupRow {
                label: label(&c.key),
                href,
                tickets: c.n,
                before: c.before_n,
                negative: share(c.negative_n, c.analysed_n),
                negative_before: share(c.before_negative_n, c.before_analysed_n),
            }
        })
        .collect();
    let order: Vec<String> = changes
        .iter()
        .filter(|c| c.n > 0)
        .map(|c| c.key.clone())
        .collect();
    let b = buckets(grain, period.from, period.to);
    let (volume, negative) = lines(&points, &b, &order, label);
    let format = match grain {
        Grain::Month => "%b %Y",
        _ => "%d %b",
    };
    let per = grain.as_str();
    let volume_svg = charts::lines::over_time(
        &b,
        &volume,
        "tickets",
        format,
        &format!("Tickets per {per}"),
    )
    .map_err(AppError::internal)?;
    let negative_svg = charts::lines::over_time(
        &b,
        &negative,
        "% negative",
        format,
        &format!("Negative share per {per} (% of analysed tickets)"),
    )
    .map_err(AppError::internal)?;
    Ok(Trends {
        period: Some(period),
        previous: Some(previous),
        choices,
        by,
        grain: grain.as_str().into(),
        volume_svg,
        negative_svg,
        rows,
    })
}

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
