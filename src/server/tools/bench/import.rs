//! `ticketlens bench import`: import throughput and peak memory against raw `psql \copy`, one run.

use crate::server::config::{DatabaseSettings, Settings};
use crate::server::db;
use crate::server::import::formats::ticketlens::{message_record, record, COLUMNS};
use crate::server::startup::Database;
use crate::server::tools::demo::{self, DemoConfig};
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Writes the demo data set as CSV in TicketLens' layout, each ticket followed by the later
/// messages of its thread when `threads`; returns the number of tickets.
pub fn write_demo_csv(cfg: &DemoConfig, path: &Path, threads: bool) -> anyhow::Result<usize> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 20, file));
    w.write_record(COLUMNS)?;
    let mut n = 0;
    let until = demo::cutoff(cfg);
    for t in demo::generate(cfg) {
        w.write_record(record(&t))?;
        if threads {
            for m in demo::follow_ups(cfg.seed, &t, until) {
                w.write_record(message_record(&m))?;
            }
        }
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// The demo CSV of `rows` tickets used by the benchmarks (seed 7, ending 2026-06-30), with the
/// threads' later messages when `threads` (the import benchmark leaves them out: `\copy` into
/// the anchor's table takes tickets only).
pub(super) fn bench_csv(
    rows: usize,
    dir: &Path,
    threads: bool,
) -> anyhow::Result<(PathBuf, usize)> {
    let suffix = if threads { "-threads" } else { "" };
    let csv_path = dir.join(format!("demo-{rows}{suffix}.csv"));
    let cfg = DemoConfig {
        tickets: rows,
        seed: 7,
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).context("date")?,
    };
    let t = Instant::now();
    let written = write_demo_csv(&cfg, &csv_path, threads)?;
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
    let (csv_path, written) = bench_csv(rows, dir, false)?;

    let database = Database::open(settings).await?;
    let server_url = database.url.clone();
    let psql = psql_path(settings);
    let import_db = fresh_db(&server_url, "tl_bench_import").await?;
    let bare_db = fresh_db(&server_url, "tl_bench_copy").await?;
    let indexed_db = fresh_db(&server_url, "tl_bench_copy_indexed").await?;
    for (url, ddl) in [(&bare_db, BARE_TABLE), (&indexed_db, INDEXED_TABLE)] {
        let pool = db::connect(url, 1).await?;
        sqlx::raw_sql(ddl).execute(&pool).await?;
        pool.close().await;
    }
    {
        let pool = db::connect(&import_db, 1).await?;
        db::migrate(&pool).await?;
        pool.close().await;
    }

    // Raw \copy: the floor of what PostgreSQL can take from this CSV over one connection, into
    // a bare table and into one with the tickets table's columns, indexes and search vector.
    let bare_secs = psql_copy(&psql, &bare_db, "bare", &csv_path)?;
    let indexed_secs = psql_copy(&psql, &indexed_db, "indexed", &csv_path)?;

    // Our importer, in a child process so its peak RSS is its own.
    let import_secs = import_child(&csv_path, &import_db)?;
    let peak_rss_mb = children_peak_rss_kb() as f64 / 1024.0;

    let rate = |secs: f64| written as f64 / secs;
    let import_rate = rate(import_secs);
    println!("\n| rows | psql \\copy, bare table | psql \\copy, same columns, indexes and search vector | ticketlens import (everything, rollups included) | vs indexed \\copy | vs bare \\copy | importer peak RSS |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {written} | {:.0} rows/s ({bare_secs:.1} s) | {:.0} rows/s ({indexed_secs:.1} s) | {import_rate:.0} rows/s ({import_secs:.1} s) | {:.0}% | {:.0}% | {peak_rss_mb:.0} MB |",
        rate(bare_secs),
        rate(indexed_secs),
        import_rate / rate(indexed_secs) * 100.0,
        import_rate / rate(bare_secs) * 100.0,
    );
    let pool = db::connect(&import_db, 1).await?;
    let (tickets, counted, pending, messages): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM tickets),
                (SELECT COALESCE(sum(n), 0)::int8 FROM rollup_daily WHERE g = 15),
                (SELECT count(*) FROM rollup_pending)
                 + (SELECT count(*) FROM rollup_pending_parts),
                (SELECT count(*) FROM messages)",
    )
    .fetch_one(&pool)
    .await?;
    pool.close().await;
    println!("rollups after the import: {counted} of {tickets} tickets counted, {pending} pending");
    println!("thread messages written with them (openings and replies): {messages}");
    if counted != tickets || pending != 0 {
        bail!("the import left its rollups behind");
    }
    database.close().await;
    Ok(())
}

/// A copy of the CSV's columns with their types, no keys, constraints or indexes.
const BARE_TABLE: &str = "CREATE TABLE bare (
    external_id text, created_at timestamptz, subject text, body text, customer_ref text,
    customer_name text, customer_email text, product text, product_line text, channel text,
    priority text, status text, category text, language text, first_response_at timestamptz,
    resolved_at timestamptz, csat smallint, agent_reply text, sentiment text, escalate boolean,
    message_kind text, message_author text, message_id text, agent text)";

/// The CSV's columns with the tickets table's generated columns, checks, keys and indexes
/// (migration 0002): what any importer of this file into a searchable table must at least do.
const INDEXED_TABLE: &str = "CREATE TABLE indexed (
    id bigserial PRIMARY KEY, source text NOT NULL DEFAULT 'bench',
    external_id text NOT NULL, created_at timestamptz NOT NULL, subject text NOT NULL,
    body text NOT NULL, customer_ref text, customer_name text, customer_email text, product text,
    product_line text,
    channel text NOT NULL CHECK (channel IN ('email', 'chat', 'phone', 'social', 'web')),
    priority text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    priority_rank smallint GENERATED ALWAYS AS (
        CASE priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END) STORED,
    status text NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    category text, language text,
    first_response_at timestamptz CHECK (first_response_at >= created_at),
    resolved_at timestamptz CHECK (resolved_at >= created_at),
    csat smallint CHECK (csat BETWEEN 1 AND 5), agent_reply text,
    sentiment text CHECK (sentiment IN ('negative', 'neutral', 'positive')), escalate boolean,
    message_kind text, message_author text, message_id text, agent text,
    imported_at timestamptz NOT NULL DEFAULT now(),
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', subject), 'A') ||
        setweight(to_tsvector('english', body), 'B')) STORED,
    UNIQUE (source, external_id));
CREATE INDEX ON indexed (created_at DESC, id DESC);
CREATE INDEX ON indexed (priority_rank DESC, created_at DESC, id DESC);
CREATE INDEX ON indexed (customer_ref, created_at DESC);
CREATE INDEX ON indexed (product, created_at DESC);
CREATE INDEX ON indexed USING gin (search);";

/// `psql \copy` of the CSV into `table`; returns the wall time.
fn psql_copy(psql: &Path, db_url: &str, table: &str, csv: &Path) -> anyhow::Result<f64> {
    let columns = COLUMNS.join(", ");
    let t = Instant::now();
    let out = std::process::Command::new(psql)
        .arg(db_url)
        .args(["-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!(
            "\\copy {table} ({columns}) FROM '{}' WITH (FORMAT csv, HEADER true)",
            csv.display()
        ))
        .output()
        .with_context(|| format!("cannot run {}", psql.display()))?;
    if !out.status.success() {
        bail!(
            "psql \\copy failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(t.elapsed().as_secs_f64())
}

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
