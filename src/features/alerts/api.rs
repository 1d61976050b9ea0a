//! Server functions for the Alerts page: list the alerts of the period, run detection now.

use super::Alerts;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

/// Alerts shown per list.
pub const LIMIT: i64 = 200;

#[server(endpoint = "alerts")]
pub async fn get_alerts(#[server(default)] filter: AnalyticsFilter) -> Result<Alerts, AppError> {
    use super::CURRENT_DAYS;
    use crate::components::FilterChoices;
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Overview)?;
    let pool = &app_state()?.pool;
    let choices = FilterChoices::load(pool).await?;
    let (last_run, running) = db::alerts::last_run(pool).await?;
    let Some(latest) = db::rollups::latest_day(pool).await? else {
        return Ok(Alerts {
            period: None,
            choices,
            current: vec![],
            earlier: vec![],
            last_run,
            running,
        });
    };
    let period = filter.period(latest);
    let all = db::alerts::list(pool, period.from, period.to, &filter, LIMIT).await?;
    let current_from = period.to - chrono::Duration::days(CURRENT_DAYS - 1);
    let (current, earlier) = all.into_iter().partition(|a| a.until >= current_from);
    Ok(Alerts {
        period: Some(period),
        choices,
        current,
        earlier,
        last_run,
        running,
    })
}

/// Queues a detection run now.
#[server(endpoint = "alerts/detect")]
pub async fn detect_alerts() -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::jobs::alerts;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Overview)?;
    alerts::enqueue(&app_state()?.pool, std::time::Duration::ZERO).await?;
    tracing::info!(user = %user.email, "alert detection queued");
    leptos_axum::redirect(&format!(
        "/alerts?ok={}&at={}",
        crate::domain::url::encode("Detection queued; reload in a moment."),
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
