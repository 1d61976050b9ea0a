//! `ticketlens bench load`: many concurrent clients on the Overview, the Tickets list and the analyse endpoint, from oha in a second process, with p50/p99 and a check that nothing failed.

use super::analytics::data;
use super::oha::{self, Target};
use crate::server::config::Settings;
use crate::server::startup::Database;
use crate::server::{db, tools::seed};

#[derive(clap::Args)]
pub struct LoadArgs {
    /// Demo tickets in the measured database.
    #[arg(long, default_value_t = 20_000)]
    tickets: usize,
    /// Concurrent clients (connections) of the load generator.
    #[arg(long, default_value_t = 200)]
    clients: u32,
    /// Seconds of load per URL.
    #[arg(long, default_value_t = 20)]
    secs: u64,
    #[arg(long, default_value_t = 3192)]
    port: u16,
}

/// The ad-hoc text the analyse endpoint is loaded with: negative, so the rules have work to do.
const ANALYSE_BODY: &str = r#"{"subject":"Charged twice for my order","body":"I was charged twice for order 1234 and nobody answers. This is unacceptable, refund me now.","priority":"high","customer_name":"Ana"}"#;

pub async fn run(args: LoadArgs, settings: &Settings) -> anyhow::Result<()> {
    let oha = oha::oha()?;
    let database = Database::open(settings).await?;
    let result = measure(&args, &database, &oha).await;
    database.close().await;
    result
}

async fn measure(
    args: &LoadArgs,
    database: &Database,
    oha: &std::path::Path,
) -> anyhow::Result<()> {
    let url = super::scratch_database(database, "tl_bench_load").await?;
    let pool = db::connect(&url, 4).await?;
    db::migrate(&pool).await?;
    let cfg = super::analyse::demo_config(args.tickets)?;
    let loaded = seed::load_demo(&pool, &cfg, |_| {}).await?;
    // What the analysis job would store, from the demo's gold labels (the embedder would take
    // minutes here and is measured by `bench analyse`).
    data::analyse_from_labels(&pool, 10_000).await?;
    sqlx::query("DELETE FROM jobs").execute(&pool).await?;
    let session = data::manager_session(&pool).await?;
    let api_token = data::manager_api_token(&pool).await?;
    pool.close().await;
    println!("{loaded} demo tickets, analysed from their labels");

    let server = oha::Server::start(&url, args.port, false).await?;
    let base = &server.base;
    let targets = [
        ("Overview `/`", Target::page(format!("{base}/"), &session)),
        (
            "Tickets `/tickets`",
            Target::page(format!("{base}/tickets"), &session),
        ),
        (
            "`POST /api/v1/analyse`",
            Target::api_post(
                format!("{base}/api/v1/analyse"),
                &api_token,
                ANALYSE_BODY.into(),
            ),
        ),
    ];
    println!(
        "\n| URL | clients | seconds | requests | errors | req/s | p50 | p95 | p99 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (name, target) in &targets {
        let l = oha::run(oha, target, args.secs, args.clients)?;
        println!(
            "| {name} | {} | {} | {} | 0 | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms |",
            args.clients, args.secs, l.requests, l.per_sec, l.p50_ms, l.p95_ms, l.p99_ms
        );
    }
    drop(server);
    Ok(())
}
