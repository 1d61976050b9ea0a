//! What the commands do: serve, serve `/metrics` for a worker, open the database for a command,
//! the `db` subcommands, a progress bar.

use super::DbAction;
use crate::server::config::Settings;
use crate::server::startup::{Application, Database};
use crate::server::{db, tools::seed};
use anyhow::Context;

pub(super) async fn serve(settings: Settings) -> anyhow::Result<()> {
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
pub(super) async fn serve_metrics(
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
pub(super) async fn with_db<F, Fut>(settings: &Settings, f: F) -> anyhow::Result<()>
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

pub(super) async fn db_command(settings: &Settings, action: DbAction) -> anyhow::Result<()> {
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

/// A terminal progress bar of `len` `unit`s.
pub(crate) fn progress(len: u64, unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{per_sec}}, {{eta}} left)");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
