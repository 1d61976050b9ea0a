//! `ticketlens bench faults`: the worker killed mid-analysis and mid-delivery, and PostgreSQL stopped under load; prints what happened and checks that nothing was lost or done twice.

mod outage;
mod receiver;
mod worker;

use crate::server::config::{DatabaseSettings, Settings};
use crate::server::startup::Database;
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct FaultsArgs {
    /// Demo tickets analysed while the worker is killed.
    #[arg(long, default_value_t = 10_000)]
    tickets: usize,
    /// Webhook deliveries sent while the worker is killed.
    #[arg(long, default_value_t = 1_000)]
    deliveries: usize,
    /// Share of the work done when the worker is killed.
    #[arg(long, default_value_t = 0.4)]
    kill_at: f64,
    /// Seconds PostgreSQL stays stopped.
    #[arg(long, default_value_t = 10)]
    outage_secs: u64,
    #[arg(long, default_value_t = 3193)]
    port: u16,
    /// Which faults to run.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "analysis,webhooks,outage"
    )]
    faults: Vec<Fault>,
    /// Where the workers' logs go.
    #[arg(long, default_value = ".ticketlens/bench")]
    dir: PathBuf,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Fault {
    /// The worker killed during the analysis of `--tickets` tickets.
    Analysis,
    /// The worker killed during `--deliveries` webhook deliveries.
    Webhooks,
    /// PostgreSQL stopped for `--outage-secs` under load.
    Outage,
}

/// One figure of a run, with what it must be (None: reported only).
pub struct Check {
    what: &'static str,
    value: i64,
    expected: Option<Expected>,
}

enum Expected {
    Equal(i64),
    AtLeast(i64),
}

impl Check {
    fn equal(what: &'static str, expected: i64, value: i64) -> Check {
        Check {
            what,
            value,
            expected: Some(Expected::Equal(expected)),
        }
    }

    fn at_least(what: &'static str, expected: i64, value: i64) -> Check {
        Check {
            what,
            value,
            expected: Some(Expected::AtLeast(expected)),
        }
    }

    fn info(what: &'static str, value: i64) -> Check {
        Check {
            what,
            value,
            expected: None,
        }
    }

    fn passed(&self) -> bool {
        match self.expected {
            None => true,
            Some(Expected::Equal(e)) => self.value == e,
            Some(Expected::AtLeast(e)) => self.value >= e,
        }
    }

    fn wanted(&self) -> String {
        match self.expected {
            None => "(reported)".into(),
            Some(Expected::Equal(e)) => format!("= {e}"),
            Some(Expected::AtLeast(e)) => format!("≥ {e}"),
        }
    }
}

/// Polls `done` every 200 ms until it says yes, or fails after `limit`.
async fn wait_until<F, Fut>(limit: Duration, mut done: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<bool>>,
{
    let deadline = Instant::now() + limit;
    while !done().await? {
        if Instant::now() > deadline {
            anyhow::bail!("gave up after {} s", limit.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

pub async fn run(args: FaultsArgs, settings: &Settings) -> anyhow::Result<()> {
    let DatabaseSettings::Embedded {
        bin_dir,
        data_dir,
        port,
        ..
    } = &settings.database
    else {
        anyhow::bail!(
            "bench faults stops and starts PostgreSQL, so it needs the embedded one: unset DATABASE_URL"
        );
    };
    std::fs::create_dir_all(&args.dir)?;
    let database = Database::open(settings).await?;
    let result = async {
        let running = database
            .embedded
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("the embedded PostgreSQL is not running"))?;
        let mut sections = Vec::new();
        if args.faults.contains(&Fault::Analysis) {
            let url = super::scratch_database(&database, "tl_bench_faults_analysis").await?;
            let analysis = worker::analysis(&url, args.tickets, args.kill_at, &args.dir).await?;
            sections.push(("worker killed during analysis", analysis));
        }
        if args.faults.contains(&Fault::Webhooks) {
            let url = super::scratch_database(&database, "tl_bench_faults_webhooks").await?;
            let hooks = worker::webhooks(&url, args.deliveries, args.kill_at, &args.dir).await?;
            sections.push(("worker killed during webhook deliveries", hooks));
        }
        if args.faults.contains(&Fault::Outage) {
            let url = super::scratch_database(&database, "tl_bench_faults_outage").await?;
            let pg = outage::PgHandle {
                running,
                bin_dir,
                data_dir,
                port: *port,
            };
            let timing = outage::Timing {
                before: Duration::from_secs(10),
                outage: Duration::from_secs(args.outage_secs),
                after: Duration::from_secs(15),
            };
            let stopped = outage::run(&url, pg, args.port, timing).await?;
            sections.push(("PostgreSQL stopped under load", stopped));
        }
        report(&sections)
    }
    .await;
    database.close().await;
    result
}

/// Prints every check; fails when one did not hold.
fn report(sections: &[(&str, Vec<Check>)]) -> anyhow::Result<()> {
    println!("\n| fault | check | value | wanted | |\n|---|---|---:|---|---|");
    let mut failed = 0;
    for (fault, checks) in sections {
        for c in checks {
            let mark = match (c.expected.is_some(), c.passed()) {
                (false, _) => "",
                (true, true) => "ok",
                (true, false) => {
                    failed += 1;
                    "**FAILED**"
                }
            };
            println!(
                "| {fault} | {} | {} | {} | {mark} |",
                c.what,
                c.value,
                c.wanted()
            );
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} fault checks failed");
    }
    Ok(())
}
