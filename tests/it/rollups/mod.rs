//! The analytics rollups stay equal to a recomputation from the raw tickets through random
//! inserts, updates and deletes of tickets, analyses, escalations and category corrections, in
//! single-row and multi-row statements, in bulk writes that defer them to a catch-up, and through
//! the real importer and analysis job.

mod changes;
mod recompute;

use crate::common;
use common::{fresh_pool, spawn_app};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sqlx::PgPool;
use std::time::Duration;
use ticketlens::server::db::rollups::catch_up;
use ticketlens::server::db::ticket_writer::TicketWriter;

use changes::{insert_tickets, random_change};
use recompute::assert_consistent;

#[tokio::test]
async fn rollups_equal_a_recomputation_after_random_changes() {
    let pool = fresh_pool().await;
    let products: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO products (name) SELECT 'product ' || g FROM generate_series(1, 4) g RETURNING id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    insert_tickets(&pool, &mut rng, &products, 200).await;
    assert_consistent(&pool, "after the first import").await;
    let mut log = Vec::new();
    for step in 0..150 {
        log.push(random_change(&pool, &mut rng, &products).await);
        // While tickets are pending the cubes still count exactly the facts they hold.
        let (counted, facts): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(sum(n), 0)::int8 FROM rollup_daily WHERE g = 15),
                    (SELECT count(*) FROM ticket_facts)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            counted,
            facts,
            "cubes and facts apart after {}",
            log.join("; ")
        );
        if step % 10 == 9 {
            let caught = catch_up::catch_up(&pool, Duration::ZERO).await.unwrap();
            log.push(format!("catch up {caught}"));
            assert_consistent(&pool, &format!("after {}", log.join("; "))).await;
        }
    }
    catch_up::catch_up(&pool, Duration::ZERO).await.unwrap();
    assert_consistent(&pool, "at the end").await;
    assert!(
        log.iter().any(|l| l.starts_with("bulk insert"))
            && log
                .iter()
                .any(|l| l.starts_with("catch up") && l != "catch up 0"),
        "the walk exercised the bulk path: {}",
        log.join("; ")
    );
    let n: i64 =
        sqlx::query_scalar("SELECT COALESCE(sum(n), 0)::int8 FROM rollup_daily WHERE g = 15")
            .fetch_one(&pool)
            .await
            .unwrap();
    let tickets: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        tickets > 200,
        "the walk inserted more than it deleted: {tickets}"
    );
    assert_eq!(n, tickets);
    // The walk built conversations that moved, answered by named agents.
    let (moved, agents): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COALESCE(sum(improved_n + worsened_n), 0)::int8
                 FROM rollup_conversations WHERE g = 15 AND grain = 'd'),
                (SELECT count(DISTINCT agent) FROM ticket_facts)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(moved > 0 && agents == 3, "moved {moved}, agents {agents}");
}

#[tokio::test]
async fn the_demo_import_and_the_analysis_job_keep_the_rollups_current() {
    let app = spawn_app(300).await;
    app.run_jobs().await;
    assert_consistent(&app.pool, "after the demo import and analysis").await;
    let analysed: i64 = sqlx::query_scalar(
        "SELECT COALESCE(sum(n) FILTER (WHERE sentiment IS NOT NULL), 0)::int8 FROM rollup_daily
         WHERE g = 14",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        analysed, 300,
        "every demo ticket counted with its sentiment"
    );
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn the_worker_catches_up_on_the_rollups_of_an_import_that_died() {
    let app = spawn_app(0).await;
    // Batches a bulk writer committed before its process died: no catch-up ran.
    let tickets: Vec<_> =
        ticketlens::server::tools::demo::generate(&ticketlens::server::tools::demo::DemoConfig {
            tickets: 120,
            seed: 3,
            end: chrono::NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        })
        .collect();
    let mut conn = app.pool.acquire().await.unwrap();
    let mut writer = TicketWriter::bulk("crashed");
    for batch in tickets.chunks(50) {
        writer.write(&mut conn, batch).await.unwrap();
    }
    drop(conn);
    let counted = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(sum(n), 0)::int8 FROM rollup_daily WHERE g = 15",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(
        counted(app.pool.clone()).await,
        0,
        "the bulk batches deferred their rollups"
    );
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 120);
    // Analysing them would refresh their rollups on its own; without it only the sweep can.
    sqlx::query("DELETE FROM jobs WHERE kind = 'analyse_ticket'")
        .execute(&app.pool)
        .await
        .unwrap();

    // A live import's pending tickets are its own to catch up: the worker leaves them.
    app.run_jobs().await;
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 120);
    assert_eq!(counted(app.pool.clone()).await, 0);

    // The import's own catch-up had split its first batch into parts when it died too.
    let split: i32 = sqlx::query_scalar("SELECT rollup_split(1000000, now(), 60)")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(split, 50, "one entry (a batch) split at least");
    let parts: i64 = sqlx::query_scalar("SELECT count(*) FROM rollup_pending_parts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(parts >= 1);
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 120);

    // Once they are older than a live import would leave them, the worker's sweep takes them.
    sqlx::raw_sql(
        "UPDATE rollup_pending SET queued_at = now() - interval '1 hour';
         UPDATE rollup_pending_parts SET queued_at = now() - interval '1 hour'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.run_jobs().await;
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 0);
    assert_consistent(&app.pool, "after the sweep").await;
    assert_eq!(counted(app.pool.clone()).await, 120);
}
