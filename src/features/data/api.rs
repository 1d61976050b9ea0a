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

/// Makes the sentiment labels an import brought into a labelled set (Evaluation page).
#[server(endpoint = "data/labels")]
pub async fn labels_to_set(import: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Data)?;
    super::server::labels_to_set(&app_state()?.pool, user.id, import).await
}

/// Resumes an interrupted import of an uploaded file.
#[server(endpoint = "data/resume")]
pub async fn resume_import(import: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Data)?;
    super::server::resume(&app_state()?.pool, user.id, import).await
}
