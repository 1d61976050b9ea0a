//! Server functions of the Templates page.

use super::TemplatesOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "templates")]
pub async fn load_templates(
    #[server(default)] category: Option<String>,
    #[server(default)] preview_ticket: Option<i64>,
) -> Result<TemplatesOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    Ok(super::server::overview(&app_state()?.pool, category, preview_ticket, &user.name).await?)
}

/// Saves a new version of a category's template; unknown variables are refused with their place.
#[server(endpoint = "templates/save")]
pub async fn save_template(
    category: String,
    body: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::save_template(&app_state()?, &user, category, body, note).await
}
