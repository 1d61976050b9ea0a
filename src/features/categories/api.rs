//! Server functions of the Categories page and the Ticket page's category correction.

use super::CategoriesOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "categories")]
pub async fn load_categories(model: Option<i64>) -> Result<CategoriesOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tuning)?;
    Ok(super::server::overview(&app_state()?.pool, model).await?)
}

/// Queues training of one engine on the labelled tickets, or on those of one import source.
#[server(endpoint = "categories/train")]
pub async fn train_categories(engine: String, source: Option<String>) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::train_categories(&app_state()?, &user, engine, source).await
}

/// Makes a model the one that classifies tickets, and re-classifies the analysed ones with it.
#[server(endpoint = "categories/activate")]
pub async fn activate_category_model(model_id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::activate_category_model(&app_state()?.pool, &user, model_id).await
}

/// Records an agent's category for a ticket; it wins over the imported label in training.
#[server(endpoint = "ticket/category")]
pub async fn correct_category(ticket_id: i64, category: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tickets)?;
    super::server::correct_category(&app_state()?, &user, ticket_id, category).await
}
