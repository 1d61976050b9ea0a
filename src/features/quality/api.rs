//! Server functions for the Data quality page: the stored reports, checking a source again.

use super::QualityOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "quality")]
pub async fn get_quality() -> Result<QualityOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Data)?;
    super::server::quality(&app_state()?.pool).await
}

/// Queues a check of one source.
#[server(endpoint = "quality/check")]
pub async fn check_source(source: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Data)?;
    super::server::check_source(&app_state()?, &user, source).await
}
