//! Server function for the Heatmaps page.

use super::Heatmaps;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "heatmaps")]
pub async fn get_heatmaps(
    #[server(default)] filter: AnalyticsFilter,
    #[server(default)] measure: String,
) -> Result<Heatmaps, AppError> {
    use super::grids;
    use crate::components::FilterChoices;
    use crate::domain::role::Area;
    use crate::server::db::rollups::{self, Measure};
    use crate::server::{auth, state::app_state};
    auth::require(Area::Overview)?;
    let pool = &app_state()?.pool;
    let choices = FilterChoices::load(pool).await?;
    let measure_kind = Measure::parse(&measure).unwrap_or_default();
    let measure = super::MEASURES
        .iter()
        .map(|m| m.0)
        .find(|m| Measure::parse(m) == Some(measure_kind))
        .unwrap_or("count")
        .to_string();
    let Some(latest) = rollups::latest_day(pool).await? else {
        return Ok(Heatmaps {
            period: None,
            choices,
            measure,
            product_category: String::new(),
            weekday_hour: String::new(),
            channel_priority: String::new(),
        });
    };
    let period = filter.period(latest);
    // Three independent queries, each on its own pooled connection at once.
    let (by_product, by_hour, by_channel) = tokio::try_join!(
        rollups::product_category(pool, measure_kind, period, &filter),
        rollups::weekday_hour(pool, period, &filter),
        rollups::channel_priority(pool, measure_kind, period, &filter),
    )?;
    let product_category = grids::product_category(&by_product, measure_kind, period, &filter);
    let weekday_hour = grids::weekday_hour(&by_hour, period, &filter);
    let channel_priority = grids::channel_priority(&by_channel, measure_kind, period, &filter);
    Ok(Heatmaps {
        period: Some(period),
        choices,
        measure,
        product_category,
        weekday_hour,
        channel_priority,
    })
}
