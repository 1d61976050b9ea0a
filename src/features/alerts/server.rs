//! Server side of the alerts page.

use super::Alerts;
use crate::components::FilterChoices;
use crate::domain::analytics::AnalyticsFilter;
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::jobs::alerts;
use crate::server::state::AppState;
use sqlx::PgPool;

/// Alerts shown per list.
pub const LIMIT: i64 = 200;

/// The Alerts page for `filter`: current and earlier alerts, and the last detection run.
pub async fn alerts(pool: &PgPool, filter: AnalyticsFilter) -> Result<Alerts, AppError> {
    use super::CURRENT_DAYS;
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
pub async fn detect_alerts(state: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    alerts::enqueue(&state.pool, std::time::Duration::ZERO).await?;
    tracing::info!(user = %user.email, "alert detection queued");
    leptos_axum::redirect(&format!(
        "/alerts?ok={}&at={}",
        crate::domain::url::encode("Detection queued; reload in a moment."),
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
