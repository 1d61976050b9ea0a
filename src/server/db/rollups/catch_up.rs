//! Deferred rollups (migration 0026): bulk writers note their tickets in `rollup_pending`, and this brings their facts and cubes up to date in large chunks.

use sqlx::{PgConnection, PgPool};
use std::time::Duration;

/// Ticket ids refreshed per transaction. Exports are rarely in date order, so every chunk of an
/// import touches nearly every cube row of its period: a million-row import is caught up in
/// one pass, each cube row written once. Analyses wait for the lock meanwhile (tens of seconds).
pub const CHUNK: i32 = 1_000_000;

/// Turns deferral on for the rest of the caller's transaction: its ticket changes are only noted
/// as pending, and [`catch_up`] must run after it commits.
pub async fn defer_in_transaction(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query("SET LOCAL ticketlens.defer_rollups = 'on'")
        .execute(conn)
        .await
        .map(|_| ())
}

/// Refreshes every ticket pending now (not those noted while it runs, so a concurrent import
/// cannot keep it going) that was queued more than `min_age` ago; returns how many.
pub async fn catch_up(pool: &PgPool, min_age: Duration) -> sqlx::Result<u64> {
    let upto: Option<i64> = sqlx::query_scalar("SELECT max(seq) FROM rollup_pending")
        .fetch_one(pool)
        .await?;
    let Some(upto) = upto else { return Ok(0) };
    let mut total = 0u64;
    loop {
        let n: i32 =
            sqlx::query_scalar("SELECT rollup_catch_up($1, now() - make_interval(secs => $2), $3)")
                .bind(upto)
                .bind(min_age.as_secs_f64())
                .bind(CHUNK)
                .fetch_one(pool)
                .await?;
        if n < 0 {
            return Ok(total);
        }
        total += n as u64;
    }
}

/// How many ticket ids wait for their rollups (some may name tickets deleted since).
pub async fn pending(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(sum(hi - lo + 1), 0)::int8 FROM rollup_pending")
        .fetch_one(pool)
        .await
}
