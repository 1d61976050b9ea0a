//! Turns a period's rollup sums into the Overview's headline figures, each with its change against the period before.

use super::Overview;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use sqlx::PgPool;

use super::Figure;
use crate::server::db::rollups::Sums;

/// Medians in seconds: (first response, resolution), each (current, previous).
pub type Medians = ((Option<f64>, Option<f64>), (Option<f64>, Option<f64>));

fn ratio(num: i64, den: i64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

fn pct_change(now: f64, before: f64, days: i64) -> Option<String> {
    (before > 0.0).then(|| {
        format!(
            "{:+.0}% vs the previous {days} days",
            (now - before) * 100.0 / before
        )
    })
}

fn points_change(now: Option<f64>, before: Option<f64>, days: i64) -> Option<String> {
    Some(format!(
        "{:+.1} pts vs the previous {days} days",
        (now? - before?) * 100.0
    ))
}

/// "3.5 h", "42 min", "2.1 d".
pub fn fmt_duration(seconds: f64) -> String {
    if seconds < 3600.0 {
        format!("{:.0} min", seconds / 60.0)
    } else if seconds < 48.0 * 3600.0 {
        format!("{:.1} h", seconds / 3600.0)
    } else {
        format!("{:.1} d", seconds / 86400.0)
    }
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{:.1}%", v * 100.0))
}

/// The headline figures of `now` against `before` (periods of `days` days).
pub fn figures(now: &Sums, before: &Sums, medians: Medians, days: i64) -> Vec<Figure> {
    let figure = |key: &str, label: &str, value: String, change, better| Figure {
        key: key.into(),
        label: label.into(),
        value,
        change,
        better,
    };
    // Lower is better for escalations, negativity and waiting; higher for CSAT.
    let direction = |now: Option<f64>, before: Option<f64>, lower_is_better: bool| {
        let (n, b) = (now?, before?);
        ((n - b).abs() > 1e-9).then_some((n < b) == lower_is_better)
    };
    let escalated = (
        ratio(now.escalated_n, now.n),
        ratio(before.escalated_n, before.n),
    );
    let negative = (
        ratio(now.negative_n, now.analysed_n),
        ratio(before.negative_n, before.analysed_n),
    );
    let csat = (
        ratio(now.csat_sum, now.csat_n),
        ratio(before.csat_sum, before.csat_n),
    );
    let ((frt, frt_before), (res, res_before)) = medians;
    let time_change = |n: Option<f64>, b: Option<f64>| pct_change(n?, b?, days);
    vec![
        figure(
            "volume",
            "Tickets",
            crate::components::fmt_count(now.n),
            pct_change(now.n as f64, before.n as f64, days),
            None,
        ),
        figure(
            "open",
            "Still open",
            crate::components::fmt_count(now.open_n),
            pct_change(now.open_n as f64, before.open_n as f64, days),
            None,
        ),
        figure(
            "escalated",
            "Escalated",
            share(escalated.0),
            points_change(escalated.0, escalated.1, days),
            direction(escalated.0, escalated.1, true),
        ),
        figure(
            "negative",
            "Negative sentiment",
            share(negative.0),
            points_change(negative.0, negative.1, days),
            direction(negative.0, negative.1, true),
        ),
        figure(
            "csat",
            "CSAT",
            csat.0.map_or_else(|| "—".into(), |c| format!("{c:.2}")),
            csat.0
                .zip(csat.1)
                .map(|(n, b)| format!("{:+.2} vs the previous {days} days", n - b)),
            direction(csat.0, csat.1, false),
        ),
        figure(
            "first_response",
            "Median first response",
            frt.map_or_else(|| "—".into(), fmt_duration),
            time_change(frt, frt_before),
            direction(frt, frt_before, true),
        ),
        figure(
            "resolution",
            "Median resolution",
            res.map_or_else(|| "—".into(), fmt_duration),
            time_change(res, res_before),
            direction(res, res_before, true),
        ),
    ]
}

/// The Overview for `filter`: headline figures against the previous period, the daily volume
/// chart, breakdowns by channel, priority and category, and the current alerts.
pub async fn overview(pool: &PgPool, filter: AnalyticsFilter) -> Result<Overview, AppError> {
    use crate::components::FilterChoices;
    use crate::domain::alerts::CURRENT_DAYS;
    use crate::server::charts;
    use crate::server::db::rollups::{self, Dimension, Latency};
    let choices = FilterChoices::load(pool).await?;
    let Some(latest) = rollups::latest_day(pool).await? else {
        return Ok(Overview {
            period: None,
            previous: None,
            figures: Vec::new(),
            by_channel: Vec::new(),
            by_priority: Vec::new(),
            by_category: Vec::new(),
            volume_svg: String::new(),
            choices,
            alerts: Vec::new(),
        });
    };
    let period = filter.period(latest);
    let previous = period.previous();
    let current_from = period.to - chrono::Duration::days(CURRENT_DAYS - 1);
    // The page's queries are independent: each runs on its own pooled connection at once.
    let ((now, before), frt, res, daily, by_channel, by_priority, by_category, alerts) = tokio::try_join!(
        rollups::sums(pool, period, previous, &filter),
        rollups::medians(pool, Latency::FirstResponse, period, previous, &filter),
        rollups::medians(pool, Latency::Resolution, period, previous, &filter),
        rollups::daily(pool, period, &filter),
        rollups::breakdown(pool, Dimension::Channel, period, &filter),
        rollups::breakdown(pool, Dimension::Priority, period, &filter),
        rollups::breakdown(pool, Dimension::Category, period, &filter),
        crate::server::db::alerts::list(pool, current_from, period.to, &filter, 6),
    )?;
    let by_day: std::collections::HashMap<_, _> = daily.into_iter().collect();
    let filled: Vec<_> = period
        .from
        .iter_days()
        .take_while(|d| *d <= period.to)
        .map(|d| (d, by_day.get(&d).copied().unwrap_or(0)))
        .collect();
    let volume_svg =
        charts::line::daily_volume(&filled, "Tickets per day").map_err(AppError::internal)?;
    Ok(Overview {
        alerts,
        period: Some(period),
        previous: Some(previous),
        figures: figures(&now, &before, (frt, res), period.days()),
        by_channel,
        by_priority,
        by_category,
        volume_svg,
        choices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(n: i64, escalated_n: i64, negative_n: i64, csat: (i64, i64)) -> Sums {
        Sums {
            n,
            open_n: n / 2,
            escalated_n,
            negative_n,
            analysed_n: n,
            csat_sum: csat.0,
            csat_n: csat.1,
        }
    }

    #[test]
    fn changes_are_percent_for_counts_and_points_for_shares() {
        let now = sums(120, 12, 30, (40, 10));
        let before = sums(100, 5, 25, (45, 10));
        let f = figures(
            &now,
            &before,
            ((Some(1800.0), Some(3600.0)), (None, Some(7200.0))),
            30,
        );
        let get = |k: &str| f.iter().find(|x| x.key == k).unwrap();
        assert_eq!(get("volume").value, "120");
        assert_eq!(
            get("volume").change.as_deref(),
            Some("+20% vs the previous 30 days")
        );
        assert_eq!(get("escalated").value, "10.0%");
        assert_eq!(
            get("escalated").change.as_deref(),
            Some("+5.0 pts vs the previous 30 days")
        );
        assert_eq!(get("escalated").better, Some(false));
        assert_eq!(get("negative").better, None, "25% both times");
        assert_eq!(get("csat").value, "4.00");
        assert_eq!(get("csat").better, Some(false));
        assert_eq!(get("first_response").value, "30 min");
        assert_eq!(get("first_response").better, Some(true));
        assert_eq!(get("resolution").value, "—");
        assert_eq!(get("resolution").change, None);
    }

    #[test]
    fn an_empty_previous_period_has_no_change() {
        let f = figures(
            &sums(10, 1, 2, (0, 0)),
            &Sums::default(),
            ((None, None), (None, None)),
            7,
        );
        assert!(f.iter().all(|x| x.change.is_none()), "{f:?}");
        assert_eq!(fmt_duration(5400.0), "1.5 h");
        assert_eq!(fmt_duration(3.0 * 86400.0), "3.0 d");
    }
}
