//! Runs the PostgreSQL tools, as an unprivileged user when we are root (PostgreSQL refuses root).

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use tokio::process::Command;

/// The user the server runs as when we are root: `postgres` where it exists, else a dedicated
/// system user made on first use.
fn server_user() -> anyhow::Result<String> {
    let exists = |name: &str| {
        std::process::Command::new("getent")
            .args(["passwd", name])
            .stdout(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if exists("postgres") {
        return Ok("postgres".into());
    }
    if !exists("ticketlens") {
        let status = std::process::Command::new("useradd")
            .args([
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                "ticketlens",
            ])
            .status()
            .context("cannot run useradd to create the user the database runs as")?;
        if !status.success() {
            bail!("useradd ticketlens failed; create an unprivileged user for PostgreSQL");
        }
    }
    Ok("ticketlens".into())
}

#[derive(Debug)]
pub struct PgCommand {
    bin_dir: PathBuf,
    run_as: Option<String>,
}

impl PgCommand {
    pub fn new(bin_dir: &Path) -> anyhow::Result<Self> {
        let run_as = if crate::server::config::is_root() {
            Some(server_user()?)
        } else {
            None
        };
        let bin_dir = std::fs::canonicalize(bin_dir)
            .with_context(|| format!("cannot resolve {}", bin_dir.display()))?;
        Ok(PgCommand { bin_dir, run_as })
    }

    /// Creates the data directory, owned by the server user; falls back to a directory under
    /// /var/lib/ticketlens when the server user cannot reach the requested one (e.g. under /root).
    pub async fn prepare_data_dir(&self, wanted: &Path) -> anyhow::Result<PathBuf> {
        std::fs::create_dir_all(wanted)
            .with_context(|| format!("cannot create {}", wanted.display()))?;
        let wanted = std::fs::canonicalize(wanted)?;
        let Some(user) = &self.run_as else {
            return Ok(wanted);
        };
        chown(user, &wanted).await?;
        if self.user_can_enter(user, &wanted).await {
            return Ok(wanted);
        }
        let fallback = PathBuf::from("/var/lib/ticketlens")
            .join(format!("{:016x}", fnv(wanted.to_string_lossy().as_bytes())))
            .join("pgdata");
        tracing::warn!(
            wanted = %wanted.display(), using = %fallback.display(),
            "user {user} cannot reach the data directory; using a directory it can"
        );
        std::fs::create_dir_all(&fallback)?;
        chown(user, &fallback).await?;
        Ok(fallback)
    }

    async fn user_can_enter(&self, user: &str, dir: &Path) -> bool {
        let status = Command::new("runuser")
            .args(["-u", user, "--", "test", "-w"])
            .arg(dir)
            .status()
            .await;
        matches!(status, Ok(s) if s.success())
    }

    /// Runs `tool args... data_dir`, returning its output or an error with its stderr.
    pub async fn run(
        &self,
        tool: &str,
        args: &[&str],
        data_dir: Option<&Path>,
    ) -> anyhow::Result<String> {
        let program = self.bin_dir.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&program);
                c
            }
            None => Command::new(&program),
        };
        cmd.args(args);
        if let Some(dir) = data_dir {
            cmd.arg(dir);
        }
        // The server user must not inherit a working directory it cannot enter.
        cmd.current_dir("/");
        cmd.stdin(std::process::Stdio::null());
        let out = cmd
            .output()
            .await
            .with_context(|| format!("cannot run {}", program.display()))?;
        if !out.status.success() {
            bail!(
                "{tool} exited with {}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

async fn chown(user: &str, dir: &Path) -> anyhow::Result<()> {
    // A directory the user already owns may be a running server's: files vanish under a
    // recursive chown there (seen: pg_internal.init), so it is left as it is.
    if owned_by(user, dir).await {
        return Ok(());
    }
    let status = Command::new("chown")
        .args(["-R", &format!("{user}:")])
        .arg(dir)
        .status()
        .await
        .context("cannot run chown")?;
    if !status.success() {
        bail!("chown {user} {} failed", dir.display());
    }
    // PostgreSQL insists on 0700 (or 0750) for its data directory.
    let status = Command::new("chmod").arg("0700").arg(dir).status().await?;
    if !status.success() {
        bail!("chmod {} failed", dir.display());
    }
    Ok(())
}

/// A stable, dependency-free hash for naming the fallback directory.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100000001b3)
    })
}

/// Whether `dir` belongs to `user` already.
async fn owned_by(user: &str, dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(out) = Command::new("id").args(["-u", user]).output().await else {
        return false;
    };
    let uid = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse::<u32>()
        .ok();
    let owner = std::fs::metadata(dir).map(|m| m.uid()).ok();
    out.status.success() && uid.is_some() && uid == owner
}
