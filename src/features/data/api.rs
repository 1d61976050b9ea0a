//! Server function for the Data page.

use super::DataOverview;
use crate::error::AppError;
use leptos::prelude::*;

/// Recent imports, and the report of `selected` (or of the newest) with up to 200 bad rows.
#[server(endpoint = "imports")]
pub async fn load_data_page(selected: Option<i64>) -> Result<DataOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Data)?;
    super::server::data_page(&app_state()?.pool, selected).await
}
