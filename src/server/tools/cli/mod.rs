//! Command-line interface: `serve` (default), `demo`, `import`, `layouts`, `migrate`, `db`, `users`, `analyse`, `worker`, `eval`, `bench`.

mod commands;
mod import;

pub(crate) use commands::progress;
use commands::{db_command, serve, serve_metrics, with_db};

use crate::domain::Role;
use crate::server::config::Settings;
use crate::server::jobs::{backfill, worker, JobContext};
use crate::server::tools::demo::DemoConfig;
use crate::server::{auth, db, tools::bench, tools::seed};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "ticketlens",
    version,
    about = "Customer-support ticket analysis dashboard"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (the default): starts the database, migrates, seeds, serves.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Generate the demo data set into the database, or to a CSV file with --out.
    Demo {
        #[arg(long, default_value_t = 20_000)]
        tickets: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Last day of the 12 months of history (default: yesterday, UTC).
        #[arg(long)]
        end: Option<chrono::NaiveDate>,
        /// Write CSV in TicketLens' layout instead of loading the database.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import tickets from a CSV, XLSX, JSON or NDJSON file.
    Import(import::ImportArgs),
    /// Saved import layouts: list, show, suggest, import, rename, delete.
    Layouts {
        #[command(subcommand)]
        action: import::LayoutsAction,
    },
    /// Manage the embedded PostgreSQL server (for scripts and tests).
    Db {
        #[command(subcommand)]
        action: DbAction,
    },
    /// Manage users.
    Users {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Analyse tickets (embedding + sentiment) in the foreground.
    Analyse {
        /// Every ticket without a result (the only mode so far; kept explicit).
        #[arg(long)]
        all: bool,
    },
    /// Run background workers only (no web server), e.g. on extra machines.
    Worker {
        /// Also serve `/metrics` (with this process's stage timings) on this address.
        #[arg(long, env = "TICKETLENS_METRICS_ADDR")]
        metrics_addr: Option<std::net::SocketAddr>,
    },
    /// Evaluate a sentiment engine on a labelled file and print the metrics.
    Eval(crate::server::tools::eval::cli::EvalArgs),
    /// Train and measure both category engines on a labelled ticket file or demo tickets.
    EvalCategories(crate::server::tools::eval::categories::CategoryEvalArgs),
    /// Check the data quality of every imported source (or one) and print the findings.
    CheckQuality {
        #[arg(long)]
        source: Option<String>,
    },
    /// Count demo incidents found and false alarms raised by spike detection on generated data.
    EvalAlerts(crate::server::tools::eval::alerts::AlertEvalArgs),
    /// Measure import mapping suggestions on the shared datasets with renamed headers.
    EvalMapping(crate::server::tools::eval::mapping::MappingEvalArgs),
    /// Measure performance.
    Bench {
        #[command(subcommand)]
        what: bench::BenchCommand,
    },
}

#[derive(Subcommand)]
enum DbAction {
    /// Start the embedded server (if not running) and print its admin URL.
    Start,
    /// Stop the embedded server.
    Stop,
    /// Drop and recreate the configured database (all its data is lost), then migrate it.
    Reset {
        /// Confirm that the data may be deleted.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a user.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        role: String,
        /// The password (default: the TICKETLENS_NEW_PASSWORD variable).
        #[arg(long, env = "TICKETLENS_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Migrate => with_db(&settings, |_| async { Ok(()) }).await,
        Command::Demo {
            tickets,
            seed,
            end,
            out,
        } => {
            let cfg = DemoConfig {
                tickets,
                seed,
                end: end.unwrap_or_else(|| chrono::Utc::now().date_naive()),
            };
            match out {
                Some(path) => bench::write_demo_csv(&cfg, &path, true)
                    .map(|n| println!("wrote {n} tickets to {}", path.display())),
                None => {
                    with_db(&settings, |pool| async move {
                        let bar = progress(tickets as u64, "tickets");
                        let inserted = seed::load_demo(&pool, &cfg, |n| bar.inc(n)).await?;
                        bar.finish_and_clear();
                        println!(
                            "demo data: {inserted} tickets inserted ({} already present)",
                            tickets as u64 - inserted
                        );
                        Ok(())
                    })
                    .await
                }
            }
        }
        Command::Import(args) => {
            with_db(&settings, |pool| async move {
                import::import_command(&pool, args).await
            })
            .await
        }
        Command::Layouts { action } => {
            with_db(&settings, |pool| async move {
                import::layouts_command(&pool, action).await
            })
            .await
        }
        Command::Db { action } => db_command(&settings, action).await,
        Command::Users {
            action:
                UserAction::Create {
                    email,
                    name,
                    role,
                    password,
                },
        } => {
            let role = Role::parse(&role).context("role must be admin, manager or agent")?;
            auth::password::check_strength(&password).map_err(anyhow::Error::msg)?;
            with_db(&settings, |pool| async move {
                let hash = auth::password::hash(password).await?;
                match db::users::insert(&pool, &email, &name, role, &hash).await? {
                    Some(id) => println!("created user {id} ({email}, {role})"),
                    None => anyhow::bail!("{email} already has an account"),
                }
                Ok(())
            })
            .await
        }
        Command::Analyse { all } => {
            anyhow::ensure!(all, "say --all to analyse every ticket without a result");
            let s = &settings;
            with_db(s, |pool| async move {
                let ctx = JobContext::load(pool, s).await?;
                let bar = progress(0, "tickets");
                let done = backfill::run(&ctx, |n, total| {
                    bar.set_length(total);
                    bar.set_position(n);
                })
                .await?;
                bar.finish_and_clear();
                println!(
                    "analysed {} tickets in {:.1} s ({:.0} tickets/s), then {} follow-up messages in {:.1} s",
                    done.analysed,
                    done.seconds,
                    done.analysed as f64 / done.seconds.max(1e-9),
                    done.messages,
                    done.message_seconds
                );
                Ok(())
            })
            .await
        }
        Command::Worker { metrics_addr } => {
            let s = &settings;
            with_db(s, |pool| async move {
                if let Some(addr) = metrics_addr {
                    serve_metrics(addr, pool.clone(), s).await?;
                }
                let ctx = JobContext::load(pool, s).await?;
                println!("worker running; Ctrl-C stops it");
                worker::run(ctx, async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await;
                Ok(())
            })
            .await
        }
        Command::Eval(args) => crate::server::tools::eval::cli::run(args, &settings).await,
        Command::EvalCategories(args) => {
            crate::server::tools::eval::categories::run(args, &settings).await
        }
        Command::EvalAlerts(args) => crate::server::tools::eval::alerts::run(args),
        Command::EvalMapping(args) => crate::server::tools::eval::mapping::run(args),
        Command::CheckQuality { source } => {
            with_db(&settings, |pool| async move {
                let sources = match source {
                    Some(s) => vec![s],
                    None => crate::server::db::quality::sources(&pool).await?,
                };
                for source in sources {
                    let started = std::time::Instant::now();
                    let report = crate::server::jobs::quality::run(&pool, &source).await?;
                    println!(
                        "== {source}: {} tickets ({} rows read, {} skipped), checked in {:.1} s",
                        report.tickets,
                        report.rows_read,
                        report.skipped,
                        started.elapsed().as_secs_f64()
                    );
                    for f in report.findings() {
                        println!("  - {f}");
                    }
                    for l in &report.labels {
                        println!(
                            "  label {}: {} values, {} tickets, 5-fold accuracy {:.1}% vs {:.1}% always \"{}\" -> {}",
                            l.column,
                            l.classes,
                            l.examples,
                            l.accuracy * 100.0,
                            l.majority_rate * 100.0,
                            l.majority_label,
                            if l.has_signal { "predictable" } else { "no signal" }
                        );
                    }
                    for (c, why) in &report.unchecked {
                        println!("  label {c}: not checked ({why})");
                    }
                }
                Ok(())
            })
            .await
        }
        Command::Bench { what } => bench::run(what, &settings).await,
    }
}
