//! Server functions for the Alerts page: list the alerts of the period, run detection now.

use super::Alerts;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "alerts")]
pub async fn get_alerts(#[server(default)] filter: AnalyticsFilter) -> Result<Alerts, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Overview)?;
    super::server::alerts(&app_state()?.pool, filter).await
}

/// Queues a detection run now.
#[server(endpoint = "alerts/detect")]
pub async fn detect_alerts() -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Overview)?;
    super::server::detect_alerts(&app_state()?, &user).await
}
