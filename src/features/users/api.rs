//! Server functions for user management; every one checks the admin role first.

use super::UserSummary;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Users)?;
    super::server::list_users(&app_state()?).await
}

/// Creates a user; redirects back with a message either way (works without JavaScript).
#[server(endpoint = "users/create")]
pub async fn create_user(
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let admin = auth::require(Area::Users)?;
    super::server::create_user(&app_state()?, &admin, email, name, role, password).await
}

/// Changes a user's role or deactivates them (ending their sessions). The last active admin stays.
#[server(endpoint = "users/update")]
pub async fn update_user(id: i64, role: String, active: Option<String>) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let admin = auth::require(Area::Users)?;
    super::server::update_user(&app_state()?, &admin, id, role, active).await
}

/// Sets a new password for a user and ends their sessions.
#[server(endpoint = "users/password")]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let admin = auth::require(Area::Users)?;
    super::server::reset_password(&app_state()?, &admin, id, password).await
}
