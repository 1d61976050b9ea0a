//! Server function for the Overview page.

use super::Overview;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, charts, db, state::app_state};
    auth::require(Area::Overview)?;
    let pool = &app_state()?.pool;
    let totals = db::stats::totals(pool).await?;
    let daily = db::stats::daily_volume(pool, 365).await?;
    let volume_svg =
        charts::line::daily_volume(&daily, "Tickets per day").map_err(AppError::internal)?;
    Ok(Overview {
        total: totals.total,
        open: totals.open,
        last_30_days: totals.last_30_days,
        previous_30_days: totals.previous_30_days,
        avg_csat: totals.avg_csat,
        by_channel: db::stats::breakdown(pool, db::stats::Dimension::Channel).await?,
        by_priority: db::stats::breakdown(pool, db::stats::Dimension::Priority).await?,
        by_status: db::stats::breakdown(pool, db::stats::Dimension::Status).await?,
        volume_svg,
    })
}
