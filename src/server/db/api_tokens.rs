//! SQL for API tokens: the hash of each bearer token mapped to its user until it is revoked.

use super::users::UserRow;
use crate::domain::role::TokenView;
use sqlx::PgExecutor;

pub async fn insert(
    db: impl PgExecutor<'_>,
    user_id: i64,
    name: &str,
    token_hash: &[u8],
    prefix: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .fetch_one(db)
    .await
}

/// The tokens of a user, newest first (revoked ones included, marked).
pub async fn of_user(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<TokenView>> {
    sqlx::query_as(
        "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Revokes a token of `user_id`; false when there is no such live token.
pub async fn revoke(db: impl PgExecutor<'_>, user_id: i64, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = now()
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The active user behind a live token, marking the token used (at most once a minute).
pub async fn user(db: impl PgExecutor<'_>, token_hash: &[u8]) -> sqlx::Result<Option<UserRow>> {
    sqlx::query_as(
        "WITH t AS (
             UPDATE api_tokens SET last_used_at = now()
             WHERE token_hash = $1 AND revoked_at IS NULL
               AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
             RETURNING user_id)
         SELECT u.id, u.email, u.name, u.role, u.password_hash, u.active
         FROM api_tokens k JOIN users u ON u.id = k.user_id
         WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND u.active",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await
}
