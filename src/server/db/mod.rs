//! The one home of SQL: connecting, migrating, and one file of queries per table.

pub mod activity;
pub mod alerts;
pub mod analysis;
pub mod api_tokens;
pub mod app_settings;
pub mod audit;
pub mod categories;
pub mod clusters;
pub mod drafts;
pub mod emails;
pub mod escalation_facts;
pub mod escalations;
pub mod evaluations;
pub mod events;
pub mod imports;
pub mod inbox;
pub mod inbox_view;
pub mod inbox_views;
pub mod jobs;
pub mod labelled;
pub mod layouts;
pub mod login_failures;
pub mod messages;
pub mod metrics;
pub mod models;
pub mod notifications;
pub mod prompts;
pub mod quality;
pub mod queues;
pub mod rescore;
pub mod responses;
pub mod rollups;
pub mod rules;
pub mod sessions;
pub mod similar;
pub mod sla;
pub mod sla_steps;
pub mod templates;
pub mod ticket_detail;
pub mod ticket_writer;
pub mod tickets;
pub mod training;
pub mod uploads;
pub mod users;
pub mod webhooks;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};
use std::str::FromStr;

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Creates `database` on the server of `url` when it does not exist yet.
pub async fn ensure_database(url: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "DATABASE_URL is not a valid PostgreSQL URL (it must start with postgres://)"
    );
    let opts =
        PgConnectOptions::from_str(url).context("DATABASE_URL is not a valid PostgreSQL URL")?;
    let name = opts.get_database().unwrap_or("postgres").to_string();
    let mut admin = opts
        .clone()
        .database("postgres")
        .connect()
        .await
        .context("cannot connect to PostgreSQL")?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        sqlx::query(&format!("CREATE DATABASE {}", quote_ident(&name)))
            .execute(&mut admin)
            .await
            .with_context(|| format!("cannot create database {name}"))?;
    }
    admin.close().await?;
    Ok(())
}

/// Drops the database of `url` (closing its connections) and creates it empty.
pub async fn recreate_database(url: &str) -> anyhow::Result<()> {
    let (opts, name) = drop_database_of(url).await?;
    let mut admin = opts.database("postgres").connect().await?;
    sqlx::query(&format!("CREATE DATABASE {}", quote_ident(&name)))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(())
}

/// Drops the database of `url`, closing its connections.
pub async fn drop_database(url: &str) -> anyhow::Result<()> {
    drop_database_of(url).await.map(|_| ())
}

async fn drop_database_of(url: &str) -> anyhow::Result<(PgConnectOptions, String)> {
    let opts = PgConnectOptions::from_str(url).context("not a valid PostgreSQL URL")?;
    let name = opts.get_database().unwrap_or("postgres").to_string();
    anyhow::ensure!(name != "postgres", "refusing to drop the postgres database");
    let mut admin = opts.clone().database("postgres").connect().await?;
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote_ident(&name)
    ))
    .execute(&mut admin)
    .await?;
    admin.close().await?;
    Ok((opts, name))
}

/// Opens a pool on `url`.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    let opts = PgConnectOptions::from_str(url)
        .context("DATABASE_URL is not a valid PostgreSQL URL")?
        .disable_statement_logging();
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_with(opts)
        .await
        .context("cannot connect to PostgreSQL")
}

/// Applies every pending migration, then stores the starter escalation rules when no rule version
/// exists (reference data, like the SLA policies the migrations insert, but written in Rust types).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .context("database migration failed (is the pgvector extension available?)")?;
    let starter = crate::domain::rules::starter_rules();
    rules::seed(pool, &starter).await?;
    Ok(())
}

/// Whether `e` means the database cannot be reached or is shutting down (an outage, worth a
/// 503 and a retry), rather than a fault in the statement.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed => true,
        // Class 08: connection exceptions; 57P01-57P03: shutdown, crash, cannot connect now.
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

/// Quotes an identifier for the few statements that cannot take parameters.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
