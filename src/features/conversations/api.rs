//! Server function for the Conversations page.

use super::Conversations;
use crate::domain::analytics::AnalyticsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "conversations")]
pub async fn get_conversations(
    #[server(default)] filter: AnalyticsFilter,
) -> Result<Conversations, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Overview)?;
    super::server::conversations(&app_state()?.pool, filter).await
}
