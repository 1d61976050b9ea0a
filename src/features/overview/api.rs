//! Server function for the Overview page.

use super::Overview;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "overview")]
pub async fn get_overview(
    #[server(default)] filter: AnalyticsFilter,
) -> Result<Overview, AppError> {
    use super::figures::figures;
    use crate::components::FilterChoices;
    use crate::domain::role::Area;
    use crate::features::alerts::CURRENT_DAYS;
    use crate::server::db::rollups::{self, Dimension, Latency};
    use crate::server::{auth, charts, state::app_state};
    auth::require(Area::Overview)?;
    let pool = &app_state()?.pool;
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
