//! `bench embed`: the embedder alone on demo ticket texts, per runtime, with Python onnxruntime on
//! the same texts in the same run as the anchor.

use super::analyse::demo_config;
use super::peak_rss_mb;
use crate::server::config::{EmbedRuntime, Settings};
use crate::server::pipeline::embed::{self, BenchReport, Embedder};
use crate::server::tools::demo;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct EmbedArgs {
    #[arg(long, default_value_t = 1_000)]
    texts: usize,
    #[arg(long, default_value_t = 32)]
    batch: usize,
    /// Runtimes to measure, in order.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "int8,int8-full,fp32,candle"
    )]
    runtimes: Vec<EmbedRuntime>,
    /// Where the texts are written, one per line (the anchor script reads them).
    #[arg(long, default_value = ".ticketlens/bench/embed-texts.txt")]
    write_texts: PathBuf,
    /// Python with numpy, tokenizers, onnx and onnxruntime (`scripts/setup.sh --bench` makes one).
    #[arg(long, env = "TICKETLENS_BENCH_PYTHON")]
    python: Option<PathBuf>,
}

/// A row of the printed table: ours or the anchor's.
struct Row {
    engine: String,
    sentences_per_sec: f64,
    tokens_per_sec: f64,
    threads: usize,
}

pub async fn run(args: EmbedArgs, settings: &Settings) -> anyhow::Result<()> {
    let texts: Vec<String> = demo::generate(&demo_config(args.texts)?)
        .map(|t| format!("{} {}", t.subject, t.body).replace('\n', " "))
        .collect();
    write_texts(&args.write_texts, &texts)?;
    let mut rows = Vec::new();
    for runtime in &args.runtimes {
        let config = settings.embedder.with_runtime(*runtime);
        let (texts, batch) = (texts.clone(), args.batch);
        let report: BenchReport = tokio::task::spawn_blocking(move || {
            let embedder = Embedder::load(&config)?;
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            embed::bench(&embedder, &refs[..refs.len().min(64)], batch)?; // warm-up
            embed::bench(&embedder, &refs, batch)
        })
        .await??;
        eprintln!("{}", serde_json::to_string(&report)?);
        rows.push(Row {
            engine: format!("TicketLens {}", runtime.name()),
            sentences_per_sec: report.sentences_per_sec,
            tokens_per_sec: report.tokens_per_sec,
            threads: report.threads,
        });
    }
    let python = args.python.clone().or_else(default_python);
    match python {
        Some(python) => rows.extend(anchor(&python, settings, &args)?),
        None => println!(
            "(no Python onnxruntime for the anchor: run `scripts/setup.sh --bench`, or pass --python)"
        ),
    }
    print_table(&rows, &texts, args.batch);
    println!("peak RSS {:.0} MB", peak_rss_mb());
    Ok(())
}

fn write_texts(path: &Path, texts: &[String]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
    );
    for t in texts {
        writeln!(f, "{t}")?;
    }
    f.flush()?;
    Ok(())
}

/// The venv `scripts/setup.sh --bench` makes, when it exists.
fn default_python() -> Option<PathBuf> {
    let venv = crate::server::config::default_cache_dir().join("bench-py");
    venv.join(".complete")
        .is_file()
        .then(|| venv.join("bin/python"))
}

/// scripts/onnx_embed_bench.py on the same model and texts: int8 per-channel and fp32.
fn anchor(python: &Path, settings: &Settings, args: &EmbedArgs) -> anyhow::Result<Vec<Row>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/onnx_embed_bench.py");
    let out = std::process::Command::new(python)
        .arg(&script)
        .arg(&settings.embedder.model_dir)
        .arg(&args.write_texts)
        .args(["--batch", &args.batch.to_string()])
        .args(["--threads", &settings.embedder.threads.to_string()])
        .args(["--variants", "int8-per-channel,fp32"])
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !out.status.success() {
        anyhow::bail!(
            "the anchor script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut rows = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        eprintln!("{line}");
        let v: serde_json::Value = serde_json::from_str(line).context("anchor output")?;
        rows.push(Row {
            engine: format!(
                "Python {} {}",
                v["engine"].as_str().unwrap_or("?"),
                v["variant"].as_str().unwrap_or("?")
            ),
            sentences_per_sec: v["sentences_per_sec"].as_f64().unwrap_or(0.0),
            tokens_per_sec: v["tokens_per_sec"].as_f64().unwrap_or(0.0),
            threads: v["threads"].as_u64().unwrap_or(0) as usize,
        });
    }
    Ok(rows)
}

/// Markdown table; the ratio column is against the anchor's int8 per-channel row when present.
fn print_table(rows: &[Row], texts: &[String], batch: usize) {
    let anchor = rows
        .iter()
        .find(|r| r.engine.ends_with("int8-per-channel"))
        .map(|r| r.sentences_per_sec);
    println!(
        "{} demo ticket texts, batch {batch}\n\n| embedder | sentences/s | tokens/s | threads | vs Python int8 per-channel |\n|---|---:|---:|---:|---:|",
        texts.len()
    );
    for r in rows {
        let ratio = anchor.map_or("-".to_string(), |a| {
            format!("{:.2}x", r.sentences_per_sec / a)
        });
        println!(
            "| {} | {:.1} | {:.0} | {} | {ratio} |",
            r.engine, r.sentences_per_sec, r.tokens_per_sec, r.threads
        );
    }
}
