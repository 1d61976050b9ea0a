//! Server function for the Overview page.

use super::Overview;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "overview")]
pub async fn get_overview(
    #[server(default)] filter: AnalyticsFilter,
) -> Result<Overview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Overview)?;
    super::server::overview(&app_state()?.pool, filter).await
}
