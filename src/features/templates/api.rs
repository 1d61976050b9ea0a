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
    use crate::domain::{role::Area, template::Template};
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let category = category.trim();
    if category.is_empty() || category.chars().count() > 100 {
        return Err(AppError::Invalid("A category needs 1 to 100 characters.".into()).respond());
    }
    Template::parse(&body).map_err(|e| AppError::Invalid(e.to_string()).respond())?;
    let (_, version) = db::templates::insert(
        &app_state()?.pool,
        category,
        body.trim_end(),
        note.trim(),
        Some(user.id),
    )
    .await?;
    tracing::info!(user = %user.email, category, version, "reply template saved");
    leptos_axum::redirect(&format!(
        "/templates?category={}&ok={}&at={}",
        crate::domain::url::encode(category),
        crate::domain::url::encode(&format!(
            "Saved version {version} of the \"{category}\" template."
        )),
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
