//! Server function for the Trends page.

use super::Trends;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "trends")]
pub async fn get_trends(
    #[server(default)] filter: AnalyticsFilter,
    #[server(default)] by: String,
    #[server(default)] grain: String,
) -> Result<Trends, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Overview)?;
    super::server::trends(&app_state()?.pool, filter, &by, &grain).await
}
