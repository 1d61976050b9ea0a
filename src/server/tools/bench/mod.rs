//! `ticketlens bench ...`: measurements whose figures go into docs/benchmarks.md.

pub mod analyse;
pub mod analytics;
pub mod assignment;
pub mod drafts;
pub mod embed;
pub mod faults;
pub mod import;
pub mod import_formats;
pub mod inbox;
pub mod load;
pub mod oha;
pub mod similar;
pub mod sla_sweep;
pub mod workers;

pub use import::write_demo_csv;

use crate::server::config::Settings;
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum BenchCommand {
    /// Generate N demo tickets to CSV, import them, and compare with `psql \copy` into a bare table.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// Where the CSV is written (reused when it already has the right size).
        #[arg(long, default_value = ".ticketlens/bench")]
        dir: PathBuf,
    },
    /// The same tickets imported from CSV, NDJSON, a JSON array and XLSX: rows/s and peak memory.
    ImportFormats(import_formats::ImportFormatsArgs),
    /// Overview, Heatmaps and Trends p95 at N tickets under oha load vs raw GROUP BY; import cost of rollups.
    Analytics(analytics::AnalyticsArgs),
    /// Many concurrent clients on Overview, Tickets and the analyse endpoint: p50/p99, no errors.
    Load(load::LoadArgs),
    /// The worker killed mid-analysis and mid-delivery, PostgreSQL stopped under load: nothing lost or done twice.
    Faults(faults::FaultsArgs),
    /// Embed + sentiment + store for N demo tickets in a fresh database, end to end.
    Analyse {
        #[arg(long, default_value_t = 20_000)]
        tickets: usize,
    },
    /// The inbox's server-side work at N escalations (list, counts, menus), p50/p95 over filters.
    Inbox {
        #[arg(long, default_value_t = 100_000)]
        escalations: i64,
        #[arg(long, default_value_t = 25)]
        rounds: usize,
    },
    /// Analysis throughput with 1 and 2 `ticketlens worker` processes, each pinned to one core.
    Workers(workers::WorkersArgs),
    /// The SLA sweep at N open escalations: idle pass, full passes, the backlog, inbox p95 beside it.
    SlaSweep {
        #[arg(long, default_value_t = 100_000)]
        escalations: i64,
    },
    /// Simulated arrivals over a team with capacities and away periods, per assignment policy.
    Assignment(assignment::AssignmentArgs),
    /// Embedder throughput on demo ticket texts per runtime, next to Python onnxruntime on the same texts.
    Embed(embed::EmbedArgs),
    /// pgvector HNSW on N generated 384-dim vectors: build time, p50/p95 and recall@10 per ef_search.
    Similar {
        #[arg(long, default_value_t = 1_000_000)]
        vectors: usize,
        #[arg(long, default_value_t = 384)]
        dims: usize,
        #[arg(long, default_value_t = 200)]
        queries: usize,
        #[arg(long, default_value_t = 16)]
        m: u32,
        #[arg(long, default_value_t = 64)]
        ef_construction: u32,
        #[arg(long, value_delimiter = ',', default_value = "40,100,200")]
        ef_search: Vec<u32>,
        /// Latent dimensions of the generated vectors.
        #[arg(long, default_value_t = 64)]
        latent: usize,
        #[arg(long, default_value_t = 500)]
        clusters: usize,
        /// Share of the variance that is isotropic noise over all dimensions.
        #[arg(long, default_value_t = 0.25)]
        noise: f32,
    },
    /// Draft generation without an LLM (template, retrieval) on N analysed demo tickets.
    Drafts {
        #[arg(long, default_value_t = 3_000)]
        tickets: usize,
        /// Open tickets drafted per method.
        #[arg(long, default_value_t = 200)]
        samples: i64,
    },
}

pub async fn run(cmd: BenchCommand, settings: &Settings) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Import { rows, dir } => import::run(rows, &dir, settings).await,
        BenchCommand::ImportFormats(args) => import_formats::run(args, settings).await,
        BenchCommand::Analytics(args) => analytics::run(args, settings).await,
        BenchCommand::Load(args) => load::run(args, settings).await,
        BenchCommand::Faults(args) => faults::run(args, settings).await,
        BenchCommand::Analyse { tickets } => analyse::analyse(tickets, settings).await,
        BenchCommand::Inbox {
            escalations,
            rounds,
        } => inbox::run(escalations, rounds, settings).await,
        BenchCommand::SlaSweep { escalations } => sla_sweep::run(escalations, settings).await,
        BenchCommand::Assignment(args) => assignment::run(args),
        BenchCommand::Embed(args) => embed::run(args, settings).await,
        BenchCommand::Workers(args) => workers::run(args, settings).await,
        BenchCommand::Similar {
            vectors,
            dims,
            queries,
            m,
            ef_construction,
            ef_search,
            latent,
            clusters,
            noise,
        } => {
            let b = similar::SimilarBench {
                vectors,
                dims,
                queries,
                m,
                ef_construction,
                ef_search,
                latent,
                clusters,
                noise,
            };
            similar::run(b, settings).await
        }
        BenchCommand::Drafts { tickets, samples } => drafts::run(tickets, samples, settings).await,
    }
}

/// Sorts `times` and returns (p50, p95, max); zeros when empty.
/// A fresh, empty database `name` beside the one `database` opened; returns its URL.
pub async fn scratch_database(
    database: &crate::server::startup::Database,
    name: &str,
) -> anyhow::Result<String> {
    use anyhow::Context;
    let (base, _) = database
        .url
        .rsplit_once('/')
        .context("database URL without a name")?;
    let url = format!("{base}/{name}");
    crate::server::db::recreate_database(&url).await?;
    Ok(url)
}

pub fn percentiles(times: &mut [f64]) -> (f64, f64, f64) {
    if times.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    (at(0.5), at(0.95), at(1.0))
}

/// This process's peak resident set, in MiB (VmHWM).
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
