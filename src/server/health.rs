//! Whether PostgreSQL answers, probed every second over a connection of its own, so that during an outage requests get a 503 at once instead of waiting for a pool connection that cannot come.

use sqlx::{ConnectOptions, Connection, PgConnection};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What every 503 asks clients to wait before trying again, in seconds.
pub const RETRY_AFTER_SECS: &str = "5";
/// How often the database is probed.
const EVERY: Duration = Duration::from_secs(1);
/// A probe that takes longer than this counts as a failure.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The latest probe's verdict, shared by every request.
#[derive(Debug, Clone, Default)]
pub struct DbHealth {
    down: Arc<AtomicBool>,
}

impl DbHealth {
    /// Whether the last probe failed.
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

    /// Starts probing the database at `url` for as long as the runtime lives.
    pub fn spawn(url: &str) -> anyhow::Result<DbHealth> {
        let options = sqlx::postgres::PgConnectOptions::from_str(url)?.disable_statement_logging();
        let health = DbHealth::default();
        let down = health.down.clone();
        tokio::spawn(async move {
            let mut conn: Option<PgConnection> = None;
            loop {
                let ok = tokio::time::timeout(PROBE_TIMEOUT, probe(&options, &mut conn))
                    .await
                    .unwrap_or(false);
                if !ok {
                    conn = None;
                }
                let was_down = down.swap(!ok, Ordering::Relaxed);
                match (was_down, ok) {
                    (false, false) => tracing::error!(
                        "the database stopped answering; requests get 503 until it is back"
                    ),
                    (true, true) => tracing::info!("the database answers again"),
                    _ => {}
                }
                tokio::time::sleep(EVERY).await;
            }
        });
        Ok(health)
    }
}

async fn probe(
    options: &sqlx::postgres::PgConnectOptions,
    conn: &mut Option<PgConnection>,
) -> bool {
    if conn.is_none() {
        *conn = PgConnection::connect_with(options).await.ok();
    }
    match conn {
        Some(c) => c.ping().await.is_ok(),
        None => false,
    }
}
