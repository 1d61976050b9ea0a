//! Command-line interface: `serve` (default), `demo`, `import`, `migrate`, `db`, `users`, `analyse`, `worker`, `eval`, `bench`.

use crate::domain::Role;
use crate::server::config::Settings;
use crate::server::demo::DemoConfig;
use crate::server::import::{formats::Format, ImportOptions};
use crate::server::jobs::{backfill, worker, JobContext};
use crate::server::startup::{Application, Database};
use crate::server::{auth, bench, db, seed};
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
    /// Import a CSV file of tickets.
    Import {
        file: PathBuf,
        /// Layout of the file (auto: detect from the header).
        #[arg(long, default_value = "auto")]
        format: String,
        /// Namespace of the file's ticket ids (default: the layout's name).
        #[arg(long)]
        source: Option<String>,
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
    Eval(crate::server::eval::cli::EvalArgs),
    /// Train and measure both category engines on a labelled ticket file or demo tickets.
    EvalCategories(crate::server::eval::categories::CategoryEvalArgs),
    /// Check the data quality of every imported source (or one) and print the findings.
    CheckQuality {
        #[arg(long)]
        source: Option<String>,
    },
    /// Count demo incidents found and false alarms raised by spike detection on generated data.
    EvalAlerts(crate::server::eval::alerts::AlertEvalArgs),
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
                Some(path) => bench::write_demo_csv(&cfg, &path)
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
        Command::Import {
            file,
            format,
            source,
        } => {
            let format = match format.as_str() {
                "auto" => None,
                f => Some(Format::parse(f).with_context(|| {
                    format!("unknown format {f:?}: use auto, ticketlens, kaggle, multilang or twcs")
                })?),
            };
            with_db(&settings, |pool| async move {
                import_file(&pool, &file, format, source).await
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
                    "analysed {} tickets in {:.1} s ({:.0} tickets/s)",
                    done.analysed,
                    done.seconds,
                    done.analysed as f64 / done.seconds.max(1e-9)
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
        Command::Eval(args) => crate::server::eval::cli::run(args, &settings).await,
        Command::EvalCategories(args) => {
            crate::server::eval::categories::run(args, &settings).await
        }
        Command::EvalAlerts(args) => crate::server::eval::alerts::run(args),
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

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let conf =
        leptos::prelude::get_configuration(None).context("cannot read the Leptos configuration")?;
    let app = Application::build(settings, conf.leptos_options, seed::first_run).await?;
    println!(
        "TicketLens is ready at http://{}",
        app.state.leptos_options.site_addr
    );
    app.run_until_stopped().await
}

/// Serves `/metrics` on `addr` in the background, for a worker process.
async fn serve_metrics(
    addr: std::net::SocketAddr,
    pool: sqlx::PgPool,
    settings: &Settings,
) -> anyhow::Result<()> {
    use crate::server::metrics::{router, MetricsState};
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} for /metrics"))?;
    let app = router(MetricsState {
        pool,
        token: settings.metrics_token.clone(),
        health: None,
    })
    .into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = ?e, "the /metrics server stopped");
        }
    });
    println!("metrics at http://{addr}/metrics");
    Ok(())
}

/// Opens (and migrates) the database, runs `f`, and stops an embedded server we started.
async fn with_db<F, Fut>(settings: &Settings, f: F) -> anyhow::Result<()>
where
    F: FnOnce(sqlx::PgPool) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let database = Database::open(settings).await?;
    let result = async {
        let pool = db::connect(&database.url, 4).await?;
        db::migrate(&pool).await?;
        let result = f(pool.clone()).await;
        pool.close().await;
        result
    }
    .await;
    // Also on failure: an embedded server started for this command must not outlive it.
    database.close().await;
    result
}

async fn import_file(
    pool: &sqlx::PgPool,
    file: &std::path::Path,
    format: Option<Format>,
    source: Option<String>,
) -> anyhow::Result<()> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress(size, "bytes");
    let reader = bar.wrap_read(std::io::BufReader::with_capacity(1 << 20, f));
    let opts = ImportOptions {
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        format,
        source,
        user_id: None,
    };
    let report = crate::server::jobs::import::run(pool, reader, opts).await?;
    bar.finish_and_clear();
    println!(
        "import #{} ({}): {} rows read, {} imported, {} already present, {} skipped",
        report.import_id,
        report.format,
        report.rows_read,
        report.inserted,
        report.duplicates,
        report.skipped
    );
    for (reason, n) in &report.reasons {
        println!("  skipped {n:>6}: {reason}");
    }
    for (line, reason) in report.errors.iter().take(20) {
        println!("  line {line}: {reason}");
    }
    if report.errors.len() > 20 {
        println!(
            "  … {} more bad rows on the Data page",
            report.errors.len() - 20
        );
    }
    Ok(())
}

async fn db_command(settings: &Settings, action: DbAction) -> anyhow::Result<()> {
    use crate::server::config::DatabaseSettings;
    let DatabaseSettings::Embedded {
        bin_dir,
        data_dir,
        port,
        ..
    } = &settings.database
    else {
        anyhow::bail!("DATABASE_URL is set: the embedded server is not in use");
    };
    use crate::server::pg::EmbeddedPostgres;
    match action {
        DbAction::Start => {
            let pg = EmbeddedPostgres::start(bin_dir, data_dir, *port).await?;
            println!("{}", pg.url("postgres"));
        }
        DbAction::Stop => EmbeddedPostgres::stop_if_running(bin_dir, data_dir).await?,
        DbAction::Reset { yes } => {
            anyhow::ensure!(
                yes,
                "this deletes every ticket in the database: pass --yes to confirm"
            );
            let database = Database::open(settings).await?;
            let result = async {
                db::recreate_database(&database.url).await?;
                let pool = db::connect(&database.url, 2).await?;
                db::migrate(&pool).await?;
                pool.close().await;
                anyhow::Ok(())
            }
            .await;
            let url = database.url.clone();
            database.close().await;
            result?;
            println!("database reset: {url}");
        }
    }
    Ok(())
}

fn progress(len: u64, unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
