//! Server functions of the Integrations page (admins): webhook subscriptions, test events, replays, inbound sources.

use super::{Created, Integrations};
use crate::error::AppError;
use leptos::prelude::*;

/// The page's data; `delivery` picks a delivery whose attempt log is shown.
#[server(endpoint = "integrations")]
pub async fn get_integrations(
    #[server(default)] status: Option<String>,
    #[server(default)] delivery: Option<String>,
) -> Result<Integrations, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Integrations)?;
    super::server::integrations(&app_state()?.pool, status, delivery).await
}

/// Subscribes `url` to `events`; answers the signing secret, shown this once.
#[server(endpoint = "integrations/subscribe")]
pub async fn create_subscription(
    name: String,
    url: String,
    #[server(default)] events: Vec<String>,
) -> Result<Created, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Integrations)?;
    super::server::create_subscription(&app_state()?, &user, name, url, events).await
}

#[server(endpoint = "integrations/activate")]
pub async fn set_subscription_active(id: i64, active: bool) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Integrations)?;
    if !db::webhooks::set_active(&app_state()?.pool, id, active).await? {
        return Err(AppError::NotFound.respond());
    }
    tracing::info!(user = %user.email, subscription = id, active, "webhook subscription switched");
    Ok(())
}

#[server(endpoint = "integrations/unsubscribe")]
pub async fn delete_subscription(id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Integrations)?;
    if !db::webhooks::delete(&app_state()?.pool, id).await? {
        return Err(AppError::NotFound.respond());
    }
    tracing::info!(user = %user.email, subscription = id, "webhook subscription deleted");
    Ok(())
}

/// Queues a `webhook.test` delivery to one subscription; answers its delivery id.
#[server(endpoint = "integrations/test")]
pub async fn send_test_event(id: i64) -> Result<String, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Integrations)?;
    db::webhooks::send_test(&app_state()?.pool, id)
        .await?
        .ok_or_else(|| AppError::NotFound.respond())
}

/// Sends a delivered or dead delivery again under the same delivery id.
#[server(endpoint = "integrations/replay")]
pub async fn replay_delivery(id: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Integrations)?;
    if !db::webhooks::replay(&app_state()?.pool, &id).await? {
        return Err(AppError::Invalid(
            "That delivery is still being sent or does not exist.".into(),
        ));
    }
    tracing::info!(user = %user.email, delivery = %id, "webhook delivery replayed");
    Ok(())
}

/// Adds a source that may post tickets to `/hooks/inbound/{source}`; answers its signing secret.
#[server(endpoint = "integrations/inbound")]
pub async fn create_inbound(source: String) -> Result<Created, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Integrations)?;
    super::server::create_inbound(&app_state()?, &user, source).await
}

#[server(endpoint = "integrations/inbound/delete")]
pub async fn delete_inbound(source: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Integrations)?;
    if !db::webhooks::delete_inbound(&app_state()?.pool, &source).await? {
        return Err(AppError::NotFound.respond());
    }
    tracing::info!(user = %user.email, source = %source, "inbound webhook source deleted");
    Ok(())
}
