//! SQL for in-app notifications: what the SLA sweep told each user, until they read it.

use crate::domain::inbox::NotificationView;
use sqlx::PgExecutor;

/// A user's unread notifications, newest first.
pub async fn unread(
    db: impl PgExecutor<'_>,
    user_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<NotificationView>> {
    sqlx::query_as(
        "SELECT id, ticket_id, kind, body, created_at AS at FROM notifications
         WHERE user_id = $1 AND read_at IS NULL ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Marks all of a user's notifications read; how many were unread.
pub async fn read_all(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
