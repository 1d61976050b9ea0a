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
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Overview)?;
    super::server::heatmaps(&app_state()?.pool, filter, measure).await
}
