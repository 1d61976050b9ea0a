//! Server side of the users page: what its server functions do once the role is checked.

use super::UserSummary;
use crate::domain::role::CurrentUser;
use crate::domain::Role;
use crate::error::AppError;
use crate::server::state::AppState;
use crate::server::{auth, db};

/// Every user with their role and whether they are active.
pub async fn list_users(state: &AppState) -> Result<Vec<UserSummary>, AppError> {
    let rows = db::users::list(&state.pool).await?;
    Ok(rows
        .into_iter()
        .map(|u| UserSummary {
            id: u.id,
            role: u.role(),
            email: u.email,
            name: u.name,
            active: u.active,
        })
        .collect())
}

/// Creates a user; redirects back with a message either way (works without JavaScript).
pub async fn create_user(
    state: &AppState,
    admin: &CurrentUser,
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    let problem = if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        Some("Enter a valid e-mail address.".to_string())
    } else if name.trim().is_empty() {
        Some("Enter a name.".to_string())
    } else {
        auth::password::check_strength(&password).err()
    };
    let Some(role) = Role::parse(&role) else {
        return Err(AppError::Invalid("Unknown role.".into()));
    };
    if let Some(msg) = problem {
        leptos_axum::redirect(&format!(
            "/users?error={}",
            crate::domain::url::encode(&msg)
        ));
        return Ok(());
    }
    let hash = auth::password::hash(password).await?;
    let created = db::users::insert(&state.pool, &email, name.trim(), role, &hash).await?;
    let target = match created {
        Some(_) => {
            tracing::info!(admin = %admin.email, user = %email, %role, "user created");
            format!(
                "/users?ok={}",
                crate::domain::url::encode(&format!("Created {email}."))
            )
        }
        None => format!(
            "/users?error={}",
            crate::domain::url::encode(&format!("{email} already has an account."))
        ),
    };
    leptos_axum::redirect(&target);
    Ok(())
}

/// Changes a user's role or deactivates them (ending their sessions). The last active admin stays.
pub async fn update_user(
    state: &AppState,
    admin: &CurrentUser,
    id: i64,
    role: String,
    active: Option<String>,
) -> Result<(), AppError> {
    let role = Role::parse(&role).ok_or_else(|| AppError::Invalid("Unknown role.".into()))?;
    let active = active.is_some();
    match db::users::change_access(&state.pool, id, role, active).await? {
        db::users::AccessChange::Done => {}
        db::users::AccessChange::NoSuchUser => return Err(AppError::NotFound.respond()),
        db::users::AccessChange::LastAdmin => {
            leptos_axum::redirect("/users?error=At+least+one+active+admin+must+remain.");
            return Ok(());
        }
    }
    tracing::info!(admin = %admin.email, user = id, %role, active, "user updated");
    leptos_axum::redirect("/users?ok=Saved.");
    Ok(())
}

/// Sets a new password for a user and ends their sessions.
pub async fn reset_password(
    state: &AppState,
    admin: &CurrentUser,
    id: i64,
    password: String,
) -> Result<(), AppError> {
    if let Err(msg) = auth::password::check_strength(&password) {
        leptos_axum::redirect(&format!(
            "/users?error={}",
            crate::domain::url::encode(&msg)
        ));
        return Ok(());
    }
    let hash = auth::password::hash(password).await?;
    let pool = &state.pool;
    let mut tx = pool.begin().await?;
    if !db::users::set_password(&mut *tx, id, &hash).await? {
        return Err(AppError::NotFound.respond());
    }
    db::sessions::delete_for_user(&mut *tx, id).await?;
    tx.commit().await?;
    tracing::info!(admin = %admin.email, user = id, "password reset");
    leptos_axum::redirect("/users?ok=Password+changed%3B+their+sessions+were+ended.");
    Ok(())
}
