//! Deferred rollups (migration 0026): bulk writers note their tickets in `rollup_pending`, and this brings their facts and cubes up to date in large chunks, one connection per part.

use futures::future::try_join_all;
use sqlx::{PgConnection, PgPool};
use std::time::Duration;

/// Ticket ids split per pass. Exports are rarely in date order, so any chunk of an import
/// touches nearly every cube row of its period: a million-row import is caught up in one pass,
/// each cube row written once. Changes wait for the lock meanwhile (tens of seconds).
pub const CHUNK: i32 = 1_000_000;

/// How many times a part is retried when PostgreSQL breaks a lock cycle by failing it (a ticket
/// moved between months touches the other part's rows).
const DEADLOCK_RETRIES: usize = 3;

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
    let age = min_age.as_secs_f64();
    let upto: Option<i64> = sqlx::query_scalar("SELECT max(seq) FROM rollup_pending")
        .fetch_one(pool)
        .await?;
    if let Some(upto) = upto {
        loop {
            let n: i32 = sqlx::query_scalar(
                "SELECT rollup_split($1, now() - make_interval(secs => $2), $3)",
            )
            .bind(upto)
            .bind(age)
            .bind(CHUNK)
            .fetch_one(pool)
            .await?;
            if n < 0 {
                break;
            }
        }
    }
    let parts: i32 = sqlx::query_scalar("SELECT rollup_parts()")
        .fetch_one(pool)
        .await?;
    let done = try_join_all((0..parts).map(|part| drain(pool, part, age))).await?;
    Ok(done.into_iter().sum())
}

/// Refreshes the lists assigned to `part` until none is left; returns how many tickets.
async fn drain(pool: &PgPool, part: i32, age: f64) -> sqlx::Result<u64> {
    let mut total = 0u64;
    let mut retries = 0;
    loop {
        let done: sqlx::Result<i32> = sqlx::query_scalar(
            "SELECT rollup_catch_up_part($1, now() - make_interval(secs => $2))",
        )
        .bind(part)
        .bind(age)
        .fetch_one(pool)
        .await;
        match done {
            Ok(n) if n < 0 => return Ok(total),
            Ok(n) => total += n as u64,
            Err(e) if retries < DEADLOCK_RETRIES && is_deadlock(&e) => {
                retries += 1;
                tracing::warn!(
                    part,
                    retries,
                    "rollup catch-up chosen as deadlock victim; retrying"
                );
            }
            Err(e) => return Err(e),
        }
    }
}

fn is_deadlock(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.code().as_deref() == Some("40P01"))
}

/// How many ticket ids wait for their rollups (some may name tickets deleted since).
pub async fn pending(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT (SELECT COALESCE(sum(hi - lo + 1), 0) FROM rollup_pending)::int8
              + (SELECT COALESCE(sum(cardinality(ids)), 0) FROM rollup_pending_parts)::int8",
    )
    .fetch_one(pool)
    .await
}
