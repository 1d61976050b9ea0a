//! `ticketlens bench workers`: analysis throughput with one and with two `ticketlens worker`
//! processes on one database, each pinned to its own core, in one run.

use super::analyse::demo_config;
use crate::server::config::Settings;
use crate::server::startup::Database;
use crate::server::{db, tools::seed};
use anyhow::Context;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct WorkersArgs {
    #[arg(long, default_value_t = 10_000)]
    tickets: usize,
    /// Worker process counts to measure, in order (each on cores 0, 1, …).
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    processes: Vec<usize>,
}

pub async fn run(args: WorkersArgs, settings: &Settings) -> anyhow::Result<()> {
    let database = Database::open(settings).await?;
    let result = async {
        println!("| worker processes | cores | tickets | seconds | tickets/s |\n|---:|---|---:|---:|---:|");
        for &n in &args.processes {
            let url = super::scratch_database(&database, "tl_bench_workers").await?;
            let pool = db::connect(&url, 2).await?;
            db::migrate(&pool).await?;
            let mut workers = Workers(
                (0..n)
                    .map(|core| spawn(&url, core, settings))
                    .collect::<anyhow::Result<Vec<_>>>()?,
            );
            // Every worker has loaded its model and waits before the tickets arrive.
            tokio::time::sleep(Duration::from_secs(5)).await;
            // Timed from the first ticket: the workers analyse while the rest arrive.
            let started = Instant::now();
            seed::load_demo(&pool, &demo_config(args.tickets)?, |_| {}).await?;
            loop {
                let done: i64 = sqlx::query_scalar("SELECT count(*) FROM ticket_analysis")
                    .fetch_one(&pool)
                    .await?;
                if done as usize >= args.tickets {
                    break;
                }
                if workers.0.iter_mut().any(|w| matches!(w.try_wait(), Ok(Some(_)))) {
                    anyhow::bail!("a worker process exited early");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let secs = started.elapsed().as_secs_f64();
            drop(workers);
            let cores: Vec<String> = (0..n).map(|c| c.to_string()).collect();
            println!(
                "| {n} | {} | {} | {secs:.1} | {:.0} |",
                cores.join(", "),
                args.tickets,
                args.tickets as f64 / secs
            );
            pool.close().await;
        }
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}

/// The worker processes of one measurement, stopped when it ends, however it ends.
struct Workers(Vec<std::process::Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for w in &mut self.0 {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

/// `ticketlens worker` on `url`, its embedder on one thread, pinned to `core`.
fn spawn(url: &str, core: usize, settings: &Settings) -> anyhow::Result<std::process::Child> {
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.arg("worker")
        .env("DATABASE_URL", url)
        .env("TICKETLENS_MODEL_DIR", &settings.embedder.model_dir)
        .env("TICKETLENS_ONNXRUNTIME", &settings.embedder.onnxruntime)
        .env("TICKETLENS_EMBEDDER", settings.embedder.runtime.name())
        .env("TICKETLENS_EMBED_THREADS", "1")
        .env("RAYON_NUM_THREADS", "1")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    // SAFETY: between fork and exec the child only calls sched_setaffinity, which is
    // async-signal-safe.
    unsafe {
        cmd.pre_exec(move || {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(core, &mut set);
            if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.spawn().context("cannot start a worker process")
}
