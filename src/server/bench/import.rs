//! `ticketlens bench import`: import throughput and peak memory against raw `psql \copy`, one run.

use crate::server::config::{DatabaseSettings, Settings};
use crate::server::db;
use crate::server::demo::{self, DemoConfig};
use crate::server::import::formats::ticketlens::{record, COLUMNS};
use crate::server::startup::Database;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Writes the demo data set as CSV in TicketLens' layout; returns the number of tickets.
pub fn write_demo_csv(cfg: &DemoConfig, path: &Path) -> anyhow::Result<usize> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    w.write_record(COLUMNS)?;
    let mut n = 0;
    for t in demo::generate(cfg) {
        w.write_record(record(&t))?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The demo CSV of `rows` tickets used by the import benchmarks (seed 7, ending 2026-06-30).
pub(super) fn bench_csv(rows: usize, dir: &Path) -> anyhow::Result<(PathBuf, usize)> {
    let csv_path = dir.join(format!("demo-{rows}.csv"));
    let cfg = DemoConfig {
        tickets: rows,
        seed: 7,
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).context("date")?,
    };
    let t = Instant::now();
    let written = write_demo_csv(&cfg, &csv_path)?;
    let size = std::fs::metadata(&csv_path)?.len();
    println!(
        "generated {written} tickets ({:.0} MB CSV) in {:.1} s",
        size as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    Ok((csv_path, written))
}

/// Runs `ticketlens import` on `csv` into `db_url` in a child process; returns its wall time.
pub(super) fn import_child(csv: &Path, db_url: &str) -> anyhow::Result<f64> {
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let status = std::process::Command::new(exe)
        .args(["import", "--format", "ticketlens"])
        .arg(csv)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .status()?;
    if !status.success() {
        bail!("the import failed");
    }
    Ok(t.elapsed().as_secs_f64())
}

pub async fn run(rows: usize, dir: &Path, settings: &Settings) -> anyhow::Result<()> {
    let (csv_path, written) = bench_csv(rows, dir)?;

    let database = Database::open(settings).await?;
    let server_url = database.url.clone();
    let psql = psql_path(settings);
    let import_db = fresh_db(&server_url, "tl_bench_import").await?;
    let copy_db = fresh_db(&server_url, "tl_bench_copy").await?;
    {
        let pool = db::connect(&copy_db, 1).await?;
        sqlx::query(BARE_TABLE).execute(&pool).await?;
        pool.close().await;
        let pool = db::connect(&import_db, 1).await?;
        db::migrate(&pool).await?;
        pool.close().await;
    }

    // Raw \copy: the floor of what PostgreSQL can take from this CSV over one connection.
    let t = Instant::now();
    let out = std::process::Command::new(&psql)
        .arg(&copy_db)
        .args(["-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!(
            "\\copy bare FROM '{}' WITH (FORMAT csv, HEADER true)",
            csv_path.display()
        ))
        .output()
        .with_context(|| format!("cannot run {}", psql.display()))?;
    if !out.status.success() {
        bail!(
            "psql \\copy failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let copy_secs = t.elapsed().as_secs_f64();

    // Our importer, in a child process so its peak RSS is its own.
    let import_secs = import_child(&csv_path, &import_db)?;
    let peak_rss_mb = children_peak_rss_kb() as f64 / 1024.0;

    let copy_rate = written as f64 / copy_secs;
    let import_rate = written as f64 / import_secs;
    println!("\n| rows | psql \\copy (bare table) | ticketlens import (all constraints + indexes) | ratio | importer peak RSS |");
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {written} | {copy_rate:.0} rows/s ({copy_secs:.1} s) | {import_rate:.0} rows/s ({import_secs:.1} s) | {:.0}% | {peak_rss_mb:.0} MB |",
        import_rate / copy_rate * 100.0
    );
    database.close().await;
    Ok(())
}

/// A copy of the CSV's columns with their types, no keys, constraints or indexes.
const BARE_TABLE: &str = "CREATE TABLE bare (
    external_id text, created_at timestamptz, subject text, body text, customer_ref text,
    customer_name text, customer_email text, product text, product_line text, channel text,
    priority text, status text, category text, language text, first_response_at timestamptz,
    resolved_at timestamptz, csat smallint, agent_reply text, sentiment text, escalate boolean)";

/// Drops and recreates `name` on the server of `server_url`; returns its URL.
pub(super) async fn fresh_db(server_url: &str, name: &str) -> anyhow::Result<String> {
    let (base, _) = server_url
        .rsplit_once('/')
        .context("database URL without a database name")?;
    let url = format!("{base}/{name}");
    db::recreate_database(&url).await?;
    Ok(url)
}

fn psql_path(settings: &Settings) -> PathBuf {
    match &settings.database {
        DatabaseSettings::Embedded { bin_dir, .. } => bin_dir.join("psql"),
        DatabaseSettings::External(_) => PathBuf::from("psql"),
    }
}

/// The largest resident set of any finished child process, in KiB.
fn children_peak_rss_kb() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) == 0 {
            usage.ru_maxrss
        } else {
            0
        }
    }
}
