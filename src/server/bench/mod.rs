//! `ticketlens bench ...`: measurements whose figures go into docs/benchmarks.md.

pub mod analyse;
pub mod import;
pub mod inbox;

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
    /// Embedder throughput on demo ticket texts; writes the texts for the onnxruntime comparison.
    Embed {
        #[arg(long, default_value_t = 2_000)]
        texts: usize,
        #[arg(long, default_value_t = 32)]
        batch: usize,
        /// Also write the texts here, one per line (input of scripts/onnx_embed_bench.py).
        #[arg(long)]
        write_texts: Option<PathBuf>,
    },
}

pub async fn run(cmd: BenchCommand, settings: &Settings) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Import { rows, dir } => import::run(rows, &dir, settings).await,
        BenchCommand::Analyse { tickets } => analyse::analyse(tickets, settings).await,
        BenchCommand::Inbox {
            escalations,
            rounds,
        } => inbox::run(escalations, rounds, settings).await,
        BenchCommand::Embed {
            texts,
            batch,
            write_texts,
        } => analyse::embed(texts, batch, write_texts.as_deref(), settings).await,
    }
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
