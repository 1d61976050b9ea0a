//! Load from a second process: a `ticketlens serve` child on loopback, driven by oha for a bounded time per URL.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The oha release the figures were taken with; installed under the cache when missing.
const OHA_VERSION: &str = "1.16.0";

/// A `ticketlens serve` child, killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Serves the database at `db_url` on `port`, with or without the background workers, and
    /// waits until the login page answers.
    pub async fn start(db_url: &str, port: u16, workers: bool) -> anyhow::Result<Server> {
        let addr = format!("127.0.0.1:{port}");
        // Its log (an outage run makes it long) goes to a file beside the benchmark's data.
        let dir = Path::new(".ticketlens/bench");
        std::fs::create_dir_all(dir)?;
        let log = dir.join(format!("serve-{port}.log"));
        let log_file = std::fs::File::create(&log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        println!("server log: {}", log.display());
        let child = Command::new(std::env::current_exe()?)
            .arg("serve")
            .env("DATABASE_URL", db_url)
            .env("LEPTOS_SITE_ADDR", &addr)
            .env("TICKETLENS_WORKERS", workers.to_string())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .context("cannot start ticketlens serve")?;
        let server = Server {
            child,
            base: format!("http://{addr}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(r) = client.get(format!("{}/login", server.base)).send().await {
                if r.status().is_success() {
                    return Ok(server);
                }
            }
            if Instant::now() > deadline {
                bail!("the server did not answer on {addr} within 120 s");
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What oha measured for one URL.
pub struct Load {
    pub requests: u64,
    pub per_sec: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// oha from PATH or the cache's tools folder, installed there with cargo when neither has it.
pub fn oha() -> anyhow::Result<PathBuf> {
    let tools = crate::server::config::default_cache_dir().join("tools");
    let cached = tools.join("bin/oha");
    for candidate in [PathBuf::from("oha"), cached.clone()] {
        let version = Command::new(&candidate).arg("--version").output();
        if let Ok(out) = version {
            if String::from_utf8_lossy(&out.stdout).contains(OHA_VERSION) {
                return Ok(candidate);
            }
        }
    }
    println!(
        "installing oha {OHA_VERSION} into {} (about 4 minutes, once)",
        tools.display()
    );
    let status = Command::new("cargo")
        .args([
            "install",
            "oha",
            "--locked",
            "--version",
            OHA_VERSION,
            "--root",
        ])
        .arg(&tools)
        .status()
        .context("cannot run cargo install oha")?;
    if !status.success() {
        bail!("cargo install oha failed");
    }
    Ok(cached)
}

/// One request oha repeats: a URL, its headers and, for a POST, a JSON body.
pub struct Target {
    pub url: String,
    pub headers: Vec<String>,
    pub json_body: Option<String>,
}

impl Target {
    /// A GET of `url` with the session cookie `token`, as a logged-in browser makes it.
    pub fn page(url: String, token: &str) -> Target {
        Target {
            url,
            headers: vec![format!("Cookie: {}={token}", crate::server::auth::COOKIE)],
            json_body: None,
        }
    }

    /// A POST of `body` to `url` with the API token `token`.
    pub fn api_post(url: String, token: &str, body: String) -> Target {
        Target {
            url,
            headers: vec![format!("Authorization: Bearer {token}")],
            json_body: Some(body),
        }
    }
}

/// Runs oha against `target` for `secs` seconds with `connections` connections; fails unless
/// every request was answered 200 OK.
pub fn run(oha: &Path, target: &Target, secs: u64, connections: u32) -> anyhow::Result<Load> {
    let mut cmd = Command::new(oha);
    cmd.args(["--no-tui", "--output-format", "json", "-w", "-z"])
        .arg(format!("{secs}s"))
        .arg("-c")
        .arg(connections.to_string());
    for h in &target.headers {
        cmd.arg("-H").arg(h);
    }
    if let Some(body) = &target.json_body {
        cmd.args(["-m", "POST", "-T", "application/json", "-d"])
            .arg(body);
    }
    let url = &target.url;
    let out = cmd.arg(url).output().context("cannot run oha")?;
    if !out.status.success() {
        bail!("oha failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("oha did not print JSON")?;
    let codes = &v["statusCodeDistribution"];
    let ok = codes["200"].as_u64().unwrap_or(0);
    let all: u64 = codes
        .as_object()
        .map(|m| m.values().filter_map(|n| n.as_u64()).sum())
        .unwrap_or(0);
    let errors = &v["errorDistribution"];
    if ok == 0 || ok != all || errors.as_object().is_some_and(|e| !e.is_empty()) {
        bail!("{url}: not every request was answered 200 OK: {codes} {errors}");
    }
    let ms = |p: &str| v["latencyPercentiles"][p].as_f64().unwrap_or(f64::NAN) * 1000.0;
    Ok(Load {
        requests: all,
        per_sec: v["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        p50_ms: ms("p50"),
        p95_ms: ms("p95"),
        p99_ms: ms("p99"),
    })
}
