//! `ticketlens bench import-formats`: the same demo tickets imported from CSV, NDJSON, a JSON
//! array and XLSX, each by a child `ticketlens import` into a fresh database, one run: rows per
//! second and the importer's peak memory, with CSV as the anchor.

use super::import::{bench_csv, fresh_db};
use crate::server::db;
use crate::server::import::table::{self, Next};
use crate::server::startup::Database;
use anyhow::{bail, Context};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct ImportFormatsArgs {
    #[arg(long, default_value_t = 200_000)]
    rows: usize,
    /// Where the files are written (the CSV is reused when it has the right size).
    #[arg(long, default_value = ".ticketlens/bench")]
    dir: PathBuf,
}

/// Every record of `csv` with its header, for the conversions.
fn each_record(
    csv: &Path,
    mut f: impl FnMut(&[String], &csv::StringRecord) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut t = table::open(std::io::BufReader::new(std::fs::File::open(csv)?))?;
    let header = t.records.header().to_vec();
    let mut record = csv::StringRecord::new();
    loop {
        match t.records.next(&mut record) {
            Next::End => return Ok(()),
            Next::Row(_) => f(&header, &record)?,
            Next::Bad { line, reason, .. } => bail!("line {line} of the bench CSV: {reason}"),
        }
    }
}

fn object(
    header: &[String],
    record: &csv::StringRecord,
) -> serde_json::Map<String, serde_json::Value> {
    header
        .iter()
        .zip(record.iter())
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.to_string())))
        .collect()
}

fn write_ndjson(csv: &Path, out: &Path) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    each_record(csv, |h, r| {
        serde_json::to_writer(&mut w, &object(h, r))?;
        w.write_all(b"\n")?;
        Ok(())
    })?;
    w.flush()?;
    Ok(())
}

fn write_json(csv: &Path, out: &Path) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    w.write_all(b"[")?;
    let mut first = true;
    each_record(csv, |h, r| {
        if !first {
            w.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut w, &object(h, r))?;
        Ok(())
    })?;
    w.write_all(b"]\n")?;
    w.flush()?;
    Ok(())
}

fn write_xlsx(csv: &Path, out: &Path) -> anyhow::Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut row = 0u32;
    each_record(csv, |h, r| {
        if row == 0 {
            for (c, name) in h.iter().enumerate() {
                sheet.write_string(0, c as u16, name)?;
            }
        }
        row += 1;
        for (c, v) in r.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string(row, c as u16, v)?;
            }
        }
        Ok(())
    })?;
    book.save(out)?;
    Ok(())
}

/// Runs `ticketlens import --layout ticketlens FILE` into `db_url`; wall seconds and the child's
/// peak RSS in MB, read from its `VmHWM` while it runs (a forked child's `ru_maxrss` starts at
/// its parent's size, which the conversions made large).
fn import_child(file: &Path, db_url: &str) -> anyhow::Result<(f64, f64)> {
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let mut child = std::process::Command::new(exe)
        .args(["import", "--layout", "ticketlens"])
        .arg(file)
        .env("DATABASE_URL", db_url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kb = peak_kb.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let secs = t.elapsed().as_secs_f64();
    if !status.success() {
        bail!("the import of {} failed", file.display());
    }
    Ok((secs, peak_kb as f64 / 1024.0))
}

pub async fn run(
    args: ImportFormatsArgs,
    settings: &crate::server::config::Settings,
) -> anyhow::Result<()> {
    let (csv_path, written) = bench_csv(args.rows, &args.dir, false)?;
    let stem = csv_path.with_extension("");
    let files = [
        ("CSV", csv_path.clone()),
        ("NDJSON", stem.with_extension("ndjson")),
        ("JSON array", stem.with_extension("json")),
        ("XLSX", stem.with_extension("xlsx")),
    ];
    let t = Instant::now();
    write_ndjson(&csv_path, &files[1].1)?;
    write_json(&csv_path, &files[2].1)?;
    write_xlsx(&csv_path, &files[3].1)?;
    println!(
        "converted to NDJSON, JSON and XLSX in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let database = Database::open(settings).await?;
    let mut results = Vec::new();
    for (name, file) in &files {
        let url = fresh_db(&database.url, "tl_bench_formats").await?;
        {
            let pool = db::connect(&url, 1).await?;
            db::migrate(&pool).await?;
            pool.close().await;
        }
        let size = std::fs::metadata(file)
            .with_context(|| file.display().to_string())?
            .len();
        let (secs, rss) = import_child(file, &url)?;
        let pool = db::connect(&url, 1).await?;
        let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
            .fetch_one(&pool)
            .await?;
        pool.close().await;
        if stored != written as i64 {
            bail!("{name}: {stored} tickets stored of {written}");
        }
        results.push((*name, size, secs, rss));
    }
    database.close().await;
    let anchor = written as f64 / results[0].2;
    println!("\n| file | size | import | rows/s | vs CSV | importer peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, size, secs, rss) in results {
        let rate = written as f64 / secs;
        println!(
            "| {name} | {:.0} MB | {secs:.1} s | {rate:.0} | {:.0}% | {rss:.0} MB |",
            size as f64 / 1e6,
            rate / anchor * 100.0
        );
    }
    Ok(())
}
