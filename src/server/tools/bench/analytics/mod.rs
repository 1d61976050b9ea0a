//! `ticketlens bench analytics`: page p95 at N tickets under load from oha, next to the raw `GROUP BY`, and what rollups cost the import.

pub(super) mod data;
mod raw;

use super::oha;
use crate::domain::analytics::{AnalyticsFilter, Period};
use crate::domain::ticket::Channel;
use crate::server::config::Settings;
use crate::server::db::{self, rollups::Grain};
use crate::server::startup::Database;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct AnalyticsArgs {
    #[arg(long, default_value_t = 1_000_000)]
    tickets: usize,
    /// Where the demo CSV is written.
    #[arg(long, default_value = ".ticketlens/bench")]
    dir: PathBuf,
    /// Seconds of load per page and filter.
    #[arg(long, default_value_t = 10)]
    secs: u64,
    /// Concurrent connections of the load generator.
    #[arg(long, default_value_t = 1)]
    connections: u32,
    /// Rounds of each raw GROUP BY.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    #[arg(long, default_value_t = 3190)]
    port: u16,
    /// Keep the database of an earlier run (skips both imports) when it has the tickets.
    #[arg(long)]
    reuse: bool,
}

#[derive(Clone, Copy)]
pub enum Page {
    Overview,
    Heatmaps,
    Trends,
    Conversations,
}

impl Page {
    fn path(self) -> &'static str {
        match self {
            Page::Overview => "/",
            Page::Heatmaps => "/heatmaps",
            Page::Trends => "/trends",
            Page::Conversations => "/conversations",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
            Page::Heatmaps => "Heatmaps",
            Page::Trends => "Trends",
            Page::Conversations => "Conversations",
        }
    }
}

/// One page view measured: a page, its period and its filters.
pub struct Case {
    pub page: Page,
    pub period: Period,
    pub filter: AnalyticsFilter,
}

impl Case {
    /// The trend grain the page picks for this period.
    pub fn grain(&self) -> &'static str {
        Grain::for_days(self.period.days()).as_str()
    }

    fn url(&self, base: &str) -> String {
        let query: Vec<String> = self
            .filter
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{base}{}?{}", self.page.path(), query.join("&"))
    }
}

const DB_NAME: &str = "tl_bench_analytics";

pub async fn run(args: AnalyticsArgs, settings: &Settings) -> anyhow::Result<()> {
    let oha = oha::oha()?;
    let database = Database::open(settings).await?;
    let result = measure(&args, &database, &oha).await;
    database.close().await;
    result
}

async fn measure(
    args: &AnalyticsArgs,
    database: &Database,
    oha: &std::path::Path,
) -> anyhow::Result<()> {
    let (base, _) = database
        .url
        .rsplit_once('/')
        .ok_or_else(|| anyhow::anyhow!("database URL without a name"))?;
    let url = format!("{base}/{DB_NAME}");
    let reused = args.reuse && tickets_in(&url).await == Some(args.tickets as i64);
    if reused {
        println!("reusing {DB_NAME} with {} tickets", args.tickets);
    } else {
        let (csv, rows) = super::import::bench_csv(args.tickets, &args.dir, true)?;
        let (bare_url, bare) =
            data::import(&database.url, "tl_bench_norollups", &csv, rows, false).await?;
        db::drop_database(&bare_url).await?;
        let (_, with) = data::import(&database.url, DB_NAME, &csv, rows, true).await?;
        println!("\n| import of {rows} demo tickets | time | rows/s |\n|---|---:|---:|");
        for (what, run) in [
            ("rollup triggers off", &bare),
            ("rollup triggers on", &with),
        ] {
            println!("| {what} | {:.1} s | {:.0} |", run.secs, run.rate());
        }
        println!(
            "rollups cost {:.0}% of the import throughput",
            (1.0 - with.rate() / bare.rate()) * 100.0
        );
        let pool = db::connect(&url, 2).await?;
        let rate = data::analyse_from_labels(&pool, 10_000).await?;
        println!("analysis results written through the rollups: {rate:.0} tickets/s");
        pool.close().await;
    }

    let pool = db::connect(&url, 2).await?;
    if reused {
        // Migrations newer than the kept database (a new rollup layout) apply here, timed.
        let t = std::time::Instant::now();
        db::migrate(&pool).await?;
        sqlx::query("VACUUM ANALYZE").execute(&pool).await?;
        println!("migrated in {:.1} s", t.elapsed().as_secs_f64());
    }
    sqlx::query("DELETE FROM users WHERE email = 'bench-manager@example.com'")
        .execute(&pool)
        .await?;
    let token = data::manager_session(&pool).await?;
    let (product, product_name) = data::busiest_product(&pool).await?;
    let latest = db::rollups::latest_day(&pool)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no tickets"))?;
    let (rollup_rows, conversation_rows, messages): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM rollup_daily), (SELECT count(*) FROM rollup_conversations),
                (SELECT count(*) FROM messages)",
    )
    .fetch_one(&pool)
    .await?;
    println!(
        "{messages} messages; rollup_daily rows: {rollup_rows}, rollup_conversations rows: \
         {conversation_rows}; filtered runs: product {product_name:?}, channel email"
    );

    let server = oha::Server::start(&url, args.port, false).await?;
    println!(
        "\n| page | period | filters | requests | req/s | p50 | p95 | p99 | raw GROUP BY p50 / p95 |"
    );
    println!("|---|---|---|---:|---:|---:|---:|---:|---:|");
    for days in [30, 365] {
        for narrowed in [false, true] {
            for page in [
                Page::Overview,
                Page::Heatmaps,
                Page::Trends,
                Page::Conversations,
            ] {
                let from = latest - chrono::Duration::days(days - 1);
                let filter = AnalyticsFilter {
                    from: Some(from),
                    to: Some(latest),
                    product: narrowed.then_some(product),
                    channel: narrowed.then_some(Channel::Email),
                    ..AnalyticsFilter::default()
                };
                let case = Case {
                    page,
                    period: filter.period(latest),
                    filter,
                };
                let target = oha::Target::page(case.url(&server.base), &token);
                let l = oha::run(oha, &target, args.secs, args.connections)?;
                let mut raw = raw::time(&pool, &case, args.rounds).await?;
                let (r50, r95, _) = super::percentiles(&mut raw);
                println!(
                    "| {} | {days} days | {} | {} | {:.1} | {:.1} ms | **{:.1} ms** | {:.1} ms | {r50:.0} / {r95:.0} ms |",
                    page.name(),
                    if narrowed { "product + channel" } else { "none" },
                    l.requests,
                    l.per_sec,
                    l.p50_ms,
                    l.p95_ms,
                    l.p99_ms,
                );
            }
        }
    }
    drop(server);
    pool.close().await;
    Ok(())
}

/// Tickets in the database at `url`, None when it cannot be opened.
async fn tickets_in(url: &str) -> Option<i64> {
    let pool = db::connect(url, 1).await.ok()?;
    let n = sqlx::query_scalar("SELECT count(*) FROM ticket_analysis")
        .fetch_one(&pool)
        .await
        .ok();
    pool.close().await;
    n
}
