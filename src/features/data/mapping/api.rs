//! Server functions of the mapping screen.

use super::MappingScreen;
use crate::error::AppError;
use leptos::prelude::*;

/// The screen for `upload`, with the choices in `search` (the page's query string) applied.
#[server(endpoint = "data/map")]
pub async fn load_mapping(upload: i64, search: String) -> Result<MappingScreen, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Data)?;
    super::server::screen(&app_state()?.pool, upload, &search).await
}

/// Imports `upload` with the choices in `search`, then shows the import's report.
#[server(endpoint = "data/map/import")]
pub async fn import_mapped(upload: i64, search: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Data)?;
    super::server::import(&app_state()?.pool, user.id, upload, &search).await
}
