//! SQL for each user's saved inbox views and the time zone their inbox shows times in.

use crate::domain::inbox::MAX_VIEWS;
use sqlx::{FromRow, PgExecutor, PgPool};

#[derive(Debug, Clone, FromRow)]
pub struct ViewRow {
    pub id: i64,
    pub name: String,
    pub query: String,
}

/// A user's views, by name.
pub async fn list(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<ViewRow>> {
    sqlx::query_as("SELECT id, name, query FROM inbox_views WHERE user_id = $1 ORDER BY name")
        .bind(user_id)
        .fetch_all(db)
        .await
}

/// What saving a view did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Added,
    /// A view of that name had other filters; it has these now.
    Replaced,
    /// The user has `MAX_VIEWS` already.
    Full,
}

/// Saves a view under `name`, replacing the user's view of that name. The count check and the
/// insert run under a lock on the user's row, so two saves at once cannot pass the limit.
pub async fn save(pool: &PgPool, user_id: i64, name: &str, query: &str) -> sqlx::Result<Saved> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let replaced =
        sqlx::query("UPDATE inbox_views SET query = $3 WHERE user_id = $1 AND name = $2")
            .bind(user_id)
            .bind(name)
            .bind(query)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
    if replaced {
        tx.commit().await?;
        return Ok(Saved::Replaced);
    }
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM inbox_views WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_VIEWS {
        return Ok(Saved::Full);
    }
    sqlx::query("INSERT INTO inbox_views (user_id, name, query) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(name)
        .bind(query)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Saved::Added)
}

/// Deletes one of the user's views (never another user's); true when it existed.
pub async fn delete(db: impl PgExecutor<'_>, user_id: i64, id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM inbox_views WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Sets the zone a user's inbox shows times in (empty: the team's).
pub async fn set_time_zone(db: impl PgExecutor<'_>, user_id: i64, zone: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET time_zone = $2 WHERE id = $1")
        .bind(user_id)
        .bind(zone)
        .execute(db)
        .await?;
    Ok(())
}
