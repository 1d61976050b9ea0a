//! Ticket analysis jobs: every new ticket is queued, analysed once, stored with its engine and version, and a killed backfill loses nothing and redoes nothing.

use crate::common;
use common::{fresh_database, test_settings};
use std::process::Stdio;
use std::time::Duration;
use ticketlens::server::jobs::{analyse, backfill, JobContext, ANALYSE};
use ticketlens::server::pipeline::sentiment::engine::Engine;
use ticketlens::server::{db, tools::demo::DemoConfig, tools::seed};

async fn context(url: &str) -> JobContext {
    let pool = db::connect(url, 5).await.unwrap();
    JobContext::load(pool, &test_settings(url.to_string(), 0))
        .await
        .unwrap()
}

async fn load_demo(pool: &sqlx::PgPool, tickets: usize) {
    let cfg = DemoConfig {
        tickets,
        seed: 11,
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    seed::load_demo(pool, &cfg, |_| {}).await.unwrap();
}

#[tokio::test]
async fn every_new_ticket_is_queued_and_analysed_exactly_once() {
    let url = fresh_database().await;
    let ctx = context(&url).await;
    load_demo(&ctx.pool, 150).await;
    let counts = db::jobs::counts(&ctx.pool, ANALYSE).await.unwrap();
    assert_eq!(
        counts.queued, 150,
        "the insert trigger queues one job per ticket"
    );

    let done = backfill::run(&ctx, |_, _| {}).await.unwrap();
    assert_eq!(done.analysed, 150);
    let (analysed, embedded, dims): (i64, i64, Option<i32>) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM ticket_analysis),
                (SELECT count(*) FROM ticket_embeddings),
                (SELECT max(vector_dims(embedding)) FROM ticket_embeddings)",
    )
    .fetch_one(&ctx.pool)
    .await
    .unwrap();
    assert_eq!((analysed, embedded, dims), (150, 150, Some(384)));
    let engines: Vec<(String, String)> =
        sqlx::query_as("SELECT DISTINCT sentiment_engine, sentiment_version FROM ticket_analysis")
            .fetch_all(&ctx.pool)
            .await
            .unwrap();
    assert_eq!(engines.len(), 1);
    assert_eq!(engines[0].0, "lexicon");

    // Nothing is left to do, and asking again queues nothing.
    assert_eq!(analyse::run_batch(&ctx, &Engine::Lexicon).await.unwrap(), 0);
    assert_eq!(
        db::jobs::enqueue_missing_analysis(&ctx.pool).await.unwrap(),
        0
    );
    let again = backfill::run(&ctx, |_, _| {}).await.unwrap();
    assert_eq!(again.analysed, 0);

    // The stored sentiment agrees with the demo's gold labels far more often than chance.
    let agree: f64 = sqlx::query_scalar(
        "SELECT avg((a.sentiment = t.gold_sentiment)::int)::float8
         FROM ticket_analysis a JOIN tickets t ON t.id = a.ticket_id",
    )
    .fetch_one(&ctx.pool)
    .await
    .unwrap();
    assert!(agree > 0.5, "lexicon agreement with gold labels {agree:.2}");
}

#[tokio::test]
async fn similar_tickets_are_nearest_neighbours_in_pgvector() {
    let url = fresh_database().await;
    let ctx = context(&url).await;
    load_demo(&ctx.pool, 120).await;
    backfill::run(&ctx, |_, _| {}).await.unwrap();
    // For most tickets, the nearest other ticket (HNSW, cosine) has the same demo category.
    let same: f64 = sqlx::query_scalar(
        "SELECT avg((n.category = t.category)::int)::float8 FROM tickets t
         CROSS JOIN LATERAL (
           SELECT t2.category FROM ticket_embeddings e2 JOIN tickets t2 ON t2.id = e2.ticket_id
           WHERE e2.ticket_id <> t.id
           ORDER BY e2.embedding <=> (SELECT embedding FROM ticket_embeddings WHERE ticket_id = t.id)
           LIMIT 1) n",
    )
    .fetch_one(&ctx.pool)
    .await
    .unwrap();
    assert!(
        same > 0.5,
        "nearest neighbour shares the category for {same:.2} of tickets"
    );
}

#[tokio::test]
async fn a_batch_that_dies_before_commit_leaves_its_jobs_for_the_next_worker() {
    let url = fresh_database().await;
    let ctx = context(&url).await;
    load_demo(&ctx.pool, 10).await;
    let mut tx = ctx.pool.begin().await.unwrap();
    let held = db::jobs::claim_in(&mut tx, ANALYSE, 100).await.unwrap();
    assert_eq!(held.len(), 10);
    // While one worker holds them, another finds nothing to claim (SKIP LOCKED).
    let mut other = ctx.pool.begin().await.unwrap();
    assert!(db::jobs::claim_in(&mut other, ANALYSE, 100)
        .await
        .unwrap()
        .is_empty());
    drop(other);
    // The worker dies: rollback. Dropping a transaction queues its ROLLBACK on the connection, so
    // the row locks go a moment later; until then the next worker skips the rows (SKIP LOCKED),
    // it does not lose them.
    drop(tx);
    let mut analysed = 0;
    for _ in 0..100 {
        analysed += analyse::run_batch(&ctx, &Engine::Lexicon).await.unwrap();
        if analysed >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(analysed, 10);
    assert_eq!(
        analyse::run_batch(&ctx, &Engine::Lexicon).await.unwrap(),
        0,
        "each ticket once"
    );
}

#[tokio::test]
async fn killing_a_backfill_loses_nothing_and_redoes_nothing_committed() {
    let url = fresh_database().await;
    let pool = db::connect(&url, 2).await.unwrap();
    load_demo(&pool, 800).await;
    let binary = env!("CARGO_BIN_EXE_ticketlens");
    let settings = test_settings(url.clone(), 0);
    let spawn = || {
        tokio::process::Command::new(binary)
            .args(["analyse", "--all"])
            .env("DATABASE_URL", &url)
            .env("TICKETLENS_MODEL_DIR", &settings.embedder.model_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap()
    };
    let mut first = spawn();
    let mut before = 0i64;
    for _ in 0..600 {
        before = sqlx::query_scalar("SELECT count(*) FROM ticket_analysis")
            .fetch_one(&pool)
            .await
            .unwrap();
        if before >= 128 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.kill().await.unwrap(); // SIGKILL, mid-backfill
    let committed: Vec<(i64, chrono::DateTime<chrono::Utc>)> =
        sqlx::query_as("SELECT ticket_id, analysed_at FROM ticket_analysis ORDER BY ticket_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        committed.len() >= 128 && committed.len() < 800,
        "killed after {} of 800",
        committed.len()
    );
    assert!(before > 0);

    let status = spawn().wait().await.unwrap();
    assert!(status.success());
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM ticket_analysis")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(total, 800, "every ticket analysed after the restart");
    let redone: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ticket_analysis a
         JOIN UNNEST($1::bigint[], $2::timestamptz[]) AS c(id, at) ON c.id = a.ticket_id
         WHERE a.analysed_at <> c.at",
    )
    .bind(committed.iter().map(|c| c.0).collect::<Vec<_>>())
    .bind(committed.iter().map(|c| c.1).collect::<Vec<_>>())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        redone, 0,
        "results committed before the kill were not redone"
    );
    let done_jobs = db::jobs::counts(&pool, ANALYSE).await.unwrap();
    assert_eq!(
        (done_jobs.done, done_jobs.queued, done_jobs.failed),
        (800, 0, 0)
    );
}
