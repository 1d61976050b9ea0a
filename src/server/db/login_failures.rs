//! SQL for login throttling: failed attempts per e-mail address within a window.

use sqlx::PgExecutor;

pub async fn record(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO login_failures (email) VALUES (lower($1))")
        .bind(email)
        .execute(db)
        .await?;
    Ok(())
}

/// Failures for `email` in the last `minutes` minutes.
pub async fn recent(db: impl PgExecutor<'_>, email: &str, minutes: i32) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM login_failures
         WHERE email = lower($1) AND at > now() - make_interval(mins => $2)",
    )
    .bind(email)
    .bind(minutes)
    .fetch_one(db)
    .await
}

/// Forgets the failures of `email` (after a successful login) and everyone's old ones.
pub async fn clear(db: impl PgExecutor<'_>, email: &str) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM login_failures WHERE email = lower($1) OR at < now() - interval '1 day'",
    )
    .bind(email)
    .execute(db)
    .await?;
    Ok(())
}
