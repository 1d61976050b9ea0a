//! `bench analyse`: embed + sentiment + store, end to end, in a fresh database.

use super::peak_rss_mb;
use crate::server::config::Settings;
use crate::server::jobs::{backfill, JobContext};
use crate::server::startup::Database;
use crate::server::tools::demo::DemoConfig;
use crate::server::{db, tools::seed};
use anyhow::Context;

pub(super) fn demo_config(tickets: usize) -> anyhow::Result<DemoConfig> {
    Ok(DemoConfig {
        tickets,
        seed: 7,
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).context("date")?,
    })
}

pub async fn analyse(tickets: usize, settings: &Settings) -> anyhow::Result<()> {
    let database = Database::open(settings).await?;
    let result = async {
        let url = super::scratch_database(&database, "tl_bench_analyse").await?;
        let pool = db::connect(&url, 4).await?;
        db::migrate(&pool).await?;
        seed::load_demo(&pool, &demo_config(tickets)?, |_| {}).await?;
        let ctx = JobContext::load(pool.clone(), settings).await?;
        let done = backfill::run(&ctx, |_, _| {}).await?;
        let rate = done.analysed as f64 / done.seconds;
        println!(
            "| tickets | engine | embedder | seconds | tickets/s | threads | peak RSS |\n|---:|---|---|---:|---:|---:|---:|"
        );
        println!(
            "| {} | {} | {} | {:.1} | {rate:.0} | {} | {:.0} MB |",
            done.analysed,
            crate::server::pipeline::sentiment::engine::active_choice(&pool).await?.kind,
            ctx.embedder.runtime().name(),
            done.seconds,
            ctx.embedder.threads(),
            peak_rss_mb()
        );
        println!(
            "\nfollow-up messages (customer messages after the opening one, scored and escalated \
             on the whole conversation): {} in {:.1} s, {:.0} messages/s",
            done.messages,
            done.message_seconds,
            done.messages as f64 / done.message_seconds.max(1e-9)
        );
        print_stages();
        pool.close().await;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

/// Where the time went: each stage's total over both lanes (they overlap, so the shares are of
/// the stages' sum, not of the wall-clock time).
fn print_stages() {
    let (totals, _) = crate::server::telemetry::stages::snapshot();
    let sum: f64 = totals.iter().map(|t| t.seconds).sum::<f64>().max(1e-9);
    println!("\n| stage | seconds | share |\n|---|---:|---:|");
    for t in totals {
        println!(
            "| {} | {:.1} | {:.0}% |",
            t.stage.name(),
            t.seconds,
            100.0 * t.seconds / sum
        );
    }
}
