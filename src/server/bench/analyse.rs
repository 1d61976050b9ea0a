//! `bench analyse` (embed + sentiment + store, end to end) and `bench embed` (the embedder alone).

use super::peak_rss_mb;
use crate::server::config::Settings;
use crate::server::demo::{self, DemoConfig};
use crate::server::jobs::{backfill, JobContext};
use crate::server::pipeline::embed::{self, Embedder};
use crate::server::startup::Database;
use crate::server::{db, seed};
use anyhow::Context;
use std::io::Write;
use std::path::Path;

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
            "| tickets | engine | seconds | tickets/s | threads | peak RSS |\n|---:|---|---:|---:|---:|---:|"
        );
        println!(
            "| {} | {} | {:.1} | {rate:.0} | {} | {:.0} MB |",
            done.analysed,
            crate::server::pipeline::sentiment::engine::active_choice(&pool).await?.kind,
            done.seconds,
            candle_core::utils::get_num_threads(),
            peak_rss_mb()
        );
        pool.close().await;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

pub async fn embed(
    count: usize,
    batch: usize,
    write_texts: Option<&Path>,
    settings: &Settings,
) -> anyhow::Result<()> {
    let texts: Vec<String> = demo::generate(&demo_config(count)?)
        .map(|t| format!("{}\n{}", t.subject, t.body))
        .collect();
    if let Some(path) = write_texts {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        for t in &texts {
            writeln!(f, "{}", t.replace('\n', " "))?;
        }
        f.flush()?;
    }
    let dir = settings.model_dir.clone();
    let report = tokio::task::spawn_blocking(move || {
        let embedder = Embedder::load(&dir)?;
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        embed::bench(&embedder, &refs[..refs.len().min(64)], batch)?; // warm-up
        embed::bench(&embedder, &refs, batch)
    })
    .await??;
    println!("{}", serde_json::to_string_pretty(&report)?);
    println!("peak RSS {:.0} MB", peak_rss_mb());
    Ok(())
}
