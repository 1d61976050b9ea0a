//! `Application::build` and `run_until_stopped`: database, migrations, first-run data, router, server.

use crate::app::{shell, App};
use crate::server::config::{DatabaseSettings, Settings};
use crate::server::jobs::{worker, JobContext};
use crate::server::pg::EmbeddedPostgres;
use crate::server::state::AppState;
use crate::server::{auth, db};
use anyhow::Context;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use std::sync::Arc;

/// A reachable, migrated database, and the embedded server behind it when we started one.
pub struct Database {
    pub url: String,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Starts the embedded server when `DATABASE_URL` is unset, creates the database if needed.
    pub async fn open(settings: &Settings) -> anyhow::Result<Self> {
        let (url, embedded) = match &settings.database {
            DatabaseSettings::External(url) => (url.expose().to_string(), None),
            DatabaseSettings::Embedded {
                bin_dir,
                data_dir,
                port,
                database,
            } => {
                let pg = EmbeddedPostgres::start(bin_dir, data_dir, *port).await?;
                (pg.url(database), Some(pg))
            }
        };
        db::ensure_database(&url).await.with_context(|| {
            if embedded.is_some() {
                "the embedded PostgreSQL started but refused connections".to_string()
            } else {
                "cannot reach the PostgreSQL server in DATABASE_URL".to_string()
            }
        })?;
        Ok(Database { url, embedded })
    }

    /// Stops the embedded server if this process started it.
    pub async fn close(self) {
        if let Some(pg) = self.embedded.filter(|pg| pg.started_here()) {
            match pg.stop().await {
                Ok(()) => tracing::info!("embedded PostgreSQL stopped"),
                Err(e) => tracing::error!(error = ?e, "could not stop the embedded PostgreSQL"),
            }
        }
    }
}

/// The assembled web application, bound to its port.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    database: Database,
    pub state: AppState,
}

impl Application {
    /// Binds the listener, opens and migrates the database and runs `first_run` on it (the tools
    /// pass `seed::first_run`, which fills an empty database with the demo). On failure an
    /// embedded server started here is stopped again.
    pub async fn build(
        settings: Settings,
        leptos_options: LeptosOptions,
        first_run: impl AsyncFnOnce(&PgPool, &Settings) -> anyhow::Result<()>,
    ) -> anyhow::Result<Self> {
        let addr = leptos_options.site_addr;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} (is another TicketLens running?)"))?;
        let database = Database::open(&settings).await?;
        let prepared = async {
            let pool = db::connect(&database.url, 20).await?;
            db::migrate(&pool).await?;
            let expired = db::sessions::delete_expired(&pool).await?;
            tracing::debug!(expired, "expired sessions removed");
            first_run(&pool, &settings).await?;
            anyhow::Ok(pool)
        }
        .await;
        let pool = match prepared {
            Ok(pool) => pool,
            Err(e) => {
                database.close().await;
                return Err(e);
            }
        };
        let jobs = match JobContext::load(pool.clone(), &settings).await {
            Ok(jobs) => jobs,
            Err(e) => {
                pool.close().await;
                database.close().await;
                return Err(e);
            }
        };
        let health = crate::server::health::DbHealth::spawn(&database.url)?;
        let state = AppState {
            leptos_options,
            pool,
            settings: Arc::new(settings),
            jobs,
            health,
        };
        Ok(Application {
            listener,
            router: router(state.clone()),
            database,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves (and runs the background workers unless turned off) until Ctrl-C or SIGTERM, then
    /// stops the workers and the embedded database.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = self.state.settings.run_workers.then(|| {
            let mut stopped = stopped.clone();
            tokio::spawn(worker::run(self.state.jobs.clone(), async move {
                let _ = stopped.wait_for(|s| *s).await;
            }))
        });
        // Peer addresses reach the handlers (`/metrics` serves loopback only by default).
        let app = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let served = axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        let _ = stop.send(true);
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        self.state.pool.close().await;
        self.database.close().await;
        served.context("server error")
    }
}

/// The full router: pages, server functions, file upload, static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let ctx_state = state.clone();
    let shell_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route(
            "/metrics",
            axum::routing::get(crate::server::metrics::handler),
        )
        .merge(crate::server::api::router())
        .merge(crate::server::api::inbound::router())
        .route(
            "/export/{file}",
            axum::routing::get(crate::server::export::export),
        )
        .route(
            "/data/layout.json",
            axum::routing::get(crate::features::data::layouts::server::export),
        )
        .route(
            "/data/import",
            axum::routing::post(crate::features::data::server::upload).layer(
                axum::extract::DefaultBodyLimit::max(
                    crate::features::data::server::MAX_UPLOAD_BYTES,
                ),
            ),
        )
        .route(
            "/evaluation/sets/import",
            axum::routing::post(crate::features::evaluation::server::upload::handle)
                .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(ctx_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::middleware::attach_user,
        ))
        .layer(axum::middleware::from_fn(crate::server::csp::middleware))
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                http::header::X_CONTENT_TYPE_OPTIONS,
                http::HeaderValue::from_static("nosniff"),
            ),
        )
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                http::header::X_FRAME_OPTIONS,
                http::HeaderValue::from_static("DENY"),
            ),
        )
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = ?e, "cannot listen for Ctrl-C");
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
