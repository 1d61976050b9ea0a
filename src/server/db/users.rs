//! SQL for users: lookup by e-mail or id, listing, creation and role/activity changes.

use crate::domain::Role;
use sqlx::{FromRow, PgExecutor};

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
}

impl UserRow {
    pub fn role(&self) -> Role {
        // The CHECK constraint only admits the three role names.
        Role::parse(&self.role).unwrap_or(Role::Agent)
    }
}

const COLUMNS: &str = "id, email, name, role, password_hash, active";

pub async fn by_email(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE email = lower($1)"
    ))
    .bind(email)
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UserRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM users ORDER BY role, email"))
        .fetch_all(db)
        .await
}

pub async fn count(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(db)
        .await
}

/// Inserts a user; `None` when the e-mail is taken.
pub async fn insert(
    db: impl PgExecutor<'_>,
    email: &str,
    name: &str,
    role: Role,
    password_hash: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, role, password_hash) VALUES (lower($1), $2, $3, $4)
         ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(role.as_str())
    .bind(password_hash)
    .fetch_optional(db)
    .await
}

/// Changes role and active flag; returns whether the user exists.
pub async fn update(
    db: impl PgExecutor<'_>,
    id: i64,
    role: Role,
    active: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET role = $2, active = $3 WHERE id = $1")
        .bind(id)
        .bind(role.as_str())
        .bind(active)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// How many active admins there are (the last one may not be demoted).
pub async fn active_admins(db: impl PgExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active")
        .fetch_one(db)
        .await
}

/// Replaces a user's password hash; returns whether the user exists.
pub async fn set_password(
    db: impl PgExecutor<'_>,
    id: i64,
    password_hash: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(password_hash)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The outcome of [`change_access`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessChange {
    Done,
    NoSuchUser,
    /// Refused: no active admin would remain.
    LastAdmin,
}

/// Sets role and active flag in one transaction, ending the user's sessions when deactivated.
/// Admin changes are serialised, so two concurrent demotions cannot remove the last admin.
pub async fn change_access(
    pool: &sqlx::PgPool,
    id: i64,
    role: Role,
    active: bool,
) -> sqlx::Result<AccessChange> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(7001)")
        .execute(&mut *tx)
        .await?;
    if !update(&mut *tx, id, role, active).await? {
        return Ok(AccessChange::NoSuchUser);
    }
    if active_admins(&mut *tx).await? == 0 {
        tx.rollback().await?;
        return Ok(AccessChange::LastAdmin);
    }
    if !active {
        super::sessions::delete_for_user(&mut *tx, id).await?;
    }
    tx.commit().await?;
    Ok(AccessChange::Done)
}
