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

/// Queues training of one engine on the labelled tickets.
#[server(endpoint = "categories/train")]
pub async fn train_categories(engine: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::jobs::train_category::TRAIN_CATEGORY;
    use crate::server::pipeline::category::CategoryEngine;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let engine = CategoryEngine::parse(&engine)
        .ok_or_else(|| AppError::Invalid("Unknown category engine.".into()).respond())?;
    db::jobs::enqueue(
        &app_state()?.pool,
        TRAIN_CATEGORY,
        &serde_json::json!({ "engine": engine.as_str(), "user_id": user.id }),
        None,
    )
    .await?;
    tracing::info!(user = %user.email, engine = engine.as_str(), "category training queued");
    redirect_ok(
        "Training queued; the model appears below when it is done.",
        None,
    );
    Ok(())
}

/// Makes a model the one that classifies tickets, and re-classifies the analysed ones with it.
#[server(endpoint = "categories/activate")]
pub async fn activate_category_model(model_id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::jobs::categorise::enqueue_reclassify;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let pool = &app_state()?.pool;
    if db::categories::weights(pool, model_id).await?.is_none() {
        return Err(AppError::NotFound.respond());
    }
    let mut tx = pool.begin().await?;
    db::categories::activate(&mut *tx, model_id, Some(user.id)).await?;
    enqueue_reclassify(&mut *tx, model_id).await?;
    tx.commit().await?;
    tracing::info!(user = %user.email, model_id, "category model activated");
    redirect_ok(
        "Model activated; analysed tickets are being re-classified.",
        Some(model_id),
    );
    Ok(())
}

/// Records an agent's category for a ticket; it wins over the imported label in training.
#[server(endpoint = "ticket/category")]
pub async fn correct_category(ticket_id: i64, category: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tickets)?;
    let category = category.trim();
    if category.is_empty() || category.chars().count() > 100 {
        return Err(AppError::Invalid("A category needs 1 to 100 characters.".into()).respond());
    }
    db::categories::correct(&app_state()?.pool, ticket_id, category, user.id).await?;
    tracing::info!(user = %user.email, ticket_id, category, "category corrected");
    leptos_axum::redirect(&format!(
        "/tickets/{ticket_id}?ok=Category+saved&at={}",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}

#[cfg(feature = "ssr")]
fn redirect_ok(message: &str, model: Option<i64>) {
    // The stamp makes every redirect a new URL, so the page reloads its data each time.
    let model = model.map(|m| format!("&model={m}")).unwrap_or_default();
    leptos_axum::redirect(&format!(
        "/categories?ok={}{model}&at={}",
        crate::domain::url::encode(message),
        chrono::Utc::now().timestamp_millis()
    ));
}
