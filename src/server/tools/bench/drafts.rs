//! `bench drafts`: time to draft one reply without an LLM (template and retrieval), p50/p95 over open tickets of an analysed demo data set.

use super::percentiles;
use crate::domain::draft::DraftMethod;
use crate::server::config::Settings;
use crate::server::jobs::{backfill, draft, JobContext};
use crate::server::startup::Database;
use crate::server::{db, tools::seed};
use std::time::Instant;

pub async fn run(tickets: usize, samples: i64, settings: &Settings) -> anyhow::Result<()> {
    let database = Database::open(settings).await?;
    let result = async {
        let url = super::scratch_database(&database, "tl_bench_drafts").await?;
        let pool = db::connect(&url, 4).await?;
        db::migrate(&pool).await?;
        seed::load_demo(&pool, &super::analyse::demo_config(tickets)?, |_| {}).await?;
        let ctx = JobContext::load(pool.clone(), settings).await?;
        backfill::run(&ctx, |_, _| {}).await?;
        let open: Vec<i64> = sqlx::query_scalar(
            "SELECT t.id FROM tickets t WHERE t.status IN ('open', 'pending')
               AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.ticket_id = t.id)
             ORDER BY md5(t.id::text) LIMIT $1",
        )
        .bind(samples)
        .fetch_all(&pool)
        .await?;
        anyhow::ensure!(!open.is_empty(), "no open, non-escalated ticket to draft");
        println!("| tickets | method | drafts | p50 | p95 | max |\n|---:|---|---:|---:|---:|---:|");
        for method in [DraftMethod::Template, DraftMethod::Retrieval] {
            db::app_settings::set(&pool, draft::METHOD_KEY, &method, None).await?;
            let mut times = Vec::new();
            for round in 0..2 {
                for &id in &open {
                    let start = Instant::now();
                    let made = draft::draft_for(&ctx, id, "Bench Agent").await?;
                    anyhow::ensure!(made.is_some(), "ticket {id} vanished");
                    if round == 1 {
                        times.push(start.elapsed().as_secs_f64() * 1000.0);
                    }
                }
            }
            let (p50, p95, max) = percentiles(&mut times);
            println!(
                "| {tickets} | {method} | {} | {p50:.1} ms | {p95:.1} ms | {max:.1} ms |",
                times.len()
            );
        }
        pool.close().await;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
