//! Test helpers: a real PostgreSQL (embedded unless a URL is given), a fresh database per test cloned from a migrated template, and the whole app served on a random port.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgPool};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use ticketlens::server::config::{DatabaseSettings, Secret, Settings};
use ticketlens::server::{db, pg::EmbeddedPostgres};
use tokio::sync::OnceCell;

pub const PASSWORD: &str = "test-password-1";

/// URL of the test server's `postgres` database.
async fn server_url() -> &'static str {
    static URL: OnceCell<String> = OnceCell::const_new();
    URL.get_or_init(|| async {
        if let Ok(url) = std::env::var("TICKETLENS_TEST_DATABASE_URL") {
            return url;
        }
        let bin = ticketlens::server::config::default_pg_bin_dir();
        let bin = std::env::var("TICKETLENS_PG_BIN")
            .map(Into::into)
            .unwrap_or(bin);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ticketlens/test-pgdata");
        let pg = EmbeddedPostgres::start(&bin, &dir, 54339).await.expect(
            "tests need PostgreSQL: set TICKETLENS_TEST_DATABASE_URL or run scripts/setup.sh",
        );
        stop_when_done(&dir);
        pg.url("postgres")
    })
    .await
}

/// Stops the PostgreSQL these tests started once this process has exited, whatever way it
/// exits: a detached shell waits for our pid, then runs `ticketlens db stop` on the data folder.
#[expect(
    clippy::zombie_processes,
    reason = "the shell must outlive this process to stop PostgreSQL after it"
)]
fn stop_when_done(data_dir: &std::path::Path) {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; exec \"$0\" db stop",
        pid = std::process::id()
    );
    std::process::Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_ticketlens")])
        .env("TICKETLENS_DATA_DIR", data_dir)
        .env("TICKETLENS_PG_PORT", "54339")
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("cannot start the shell that stops the test PostgreSQL");
}

fn with_database(url: &str, name: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("URL has a database");
    format!("{base}/{name}")
}

/// Name of the migrated template; it changes whenever the migrations or the seeded starter
/// rules change.
fn template_name() -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    let starter = ticketlens::domain::rules::starter_rules();
    let seeded = serde_json::to_vec(&starter).unwrap();
    let checksums = db::MIGRATOR.iter().flat_map(|m| m.checksum.iter().copied());
    for b in checksums.chain(seeded) {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    format!("tl_template_{:012x}", h & 0xffff_ffff_ffff)
}

async fn ensure_template(admin: &mut sqlx::PgConnection) -> String {
    let name = template_name();
    sqlx::query("SELECT pg_advisory_lock(4242)")
        .execute(&mut *admin)
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut *admin)
            .await
            .unwrap();
    if !exists {
        let building = format!("{name}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut *admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&mut *admin)
            .await
            .unwrap();
        let pool = db::connect(&with_database(server_url().await, &building), 2)
            .await
            .unwrap();
        db::migrate(&pool).await.unwrap();
        pool.close().await;
        sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {name}"))
            .execute(&mut *admin)
            .await
            .unwrap();
    }
    sqlx::query("SELECT pg_advisory_unlock(4242)")
        .execute(&mut *admin)
        .await
        .unwrap();
    name
}

/// A new, migrated, empty database; returns its URL.
pub async fn fresh_database() -> String {
    new_database(true).await
}

/// A new database with no migrations applied; returns its URL.
pub async fn empty_database() -> String {
    new_database(false).await
}

/// Creates a uniquely named database, from the migrated template when `migrated`.
async fn new_database(migrated: bool) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let url = server_url().await;
    let mut admin = PgConnectOptions::from_str(url)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let name = format!(
        "t_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    );
    let create = if migrated {
        let template = ensure_template(&mut admin).await;
        format!("CREATE DATABASE {name} TEMPLATE {template}")
    } else {
        format!("CREATE DATABASE {name}")
    };
    sqlx::query(&create).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    with_database(url, &name)
}

/// A pool on a fresh database.
pub async fn fresh_pool() -> PgPool {
    db::connect(&fresh_database().await, 5).await.unwrap()
}

/// The app running on a random port with its own database.
pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
    /// The app's embedder, LLM client and pool, for running jobs in the test.
    pub jobs: ticketlens::server::jobs::JobContext,
}

/// The embedding model folder (scripts/setup.sh fetches it; scripts/env.sh names it).
pub fn model_dir() -> std::path::PathBuf {
    let dir = std::env::var("TICKETLENS_MODEL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| ticketlens::server::config::default_model_dir());
    assert!(
        dir.join("model.safetensors").exists(),
        "the embedding model is missing at {}: run scripts/setup.sh",
        dir.display()
    );
    dir
}

/// The embedder as the environment configures it (scripts/env.sh), on the test model folder.
pub fn embedder_config() -> ticketlens::server::config::EmbedderConfig {
    let mut config = ticketlens::server::config::EmbedderConfig::new(model_dir());
    if let Ok(lib) = std::env::var("TICKETLENS_ONNXRUNTIME") {
        config.onnxruntime = lib.into();
    }
    config
}

/// Settings for a test app on database `url`, without background workers.
pub fn test_settings(url: String, demo_tickets: usize) -> Settings {
    Settings {
        database: DatabaseSettings::External(Secret::new(url)),
        demo_tickets,
        demo_seed: 7,
        demo_tuning_pairs: 0,
        demo_password: Some(Secret::new(PASSWORD.into())),
        secure_cookies: false,
        embedder: embedder_config(),
        metrics_token: None,
        run_workers: false,
        llm: None,
        mail: None,
    }
}

/// Starts the app with `demo_tickets` demo tickets (seed 7) and the demo accounts.
pub async fn spawn_app(demo_tickets: usize) -> TestApp {
    spawn_app_with(demo_tickets, |_| {}).await
}

/// Like [`spawn_app`], with settings changed by `configure` (workers, LLM provider).
pub async fn spawn_app_with(demo_tickets: usize, configure: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(fresh_database().await, demo_tickets, configure).await
}

/// Like [`spawn_app_with`], on the (migrated or empty) database at `url`.
pub async fn spawn_app_on(
    url: String,
    demo_tickets: usize,
    configure: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = test_settings(url, demo_tickets);
    configure(&mut settings);
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("ticketlens")
        .site_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .build();
    let first_run = ticketlens::server::tools::seed::first_run;
    let app = ticketlens::server::startup::Application::build(settings, options, first_run)
        .await
        .unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let pool = app.state.pool.clone();
    let jobs = app.state.jobs.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp { base, pool, jobs }
}

impl TestApp {
    /// A client without a session that does not follow redirects.
    pub fn anonymous(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client logged in as `email` (the demo password).
    pub async fn login(&self, email: &str) -> reqwest::Client {
        let client = self.anonymous();
        let res = client
            .post(format!("{}/api/login", self.base))
            .header("Accept", "text/html")
            .form(&[
                ("email", email),
                ("password", PASSWORD),
                ("next", "/tickets"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 302, "login should redirect");
        assert_eq!(
            res.headers()["location"],
            "/tickets",
            "login as {email} failed"
        );
        client
    }

    /// Posts a form as a browser without JavaScript does; returns the status and `Location`.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, String) {
        let res = client
            .post(format!("{}{path}", self.base))
            .header("Accept", "text/html")
            .form(form)
            .send()
            .await
            .unwrap();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        (res.status().as_u16(), location)
    }

    /// A new API token of `email`, created through the API tokens page's server function.
    pub async fn api_token(&self, email: &str) -> String {
        let client = self.login(email).await;
        let res = client
            .post(format!("{}/api/tokens/create", self.base))
            .form(&[("name", "tests")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "token creation failed");
        let created: serde_json::Value = res.json().await.unwrap();
        created["token"].as_str().expect("a token").to_string()
    }

    /// Calls `/api/v1{path}` with an API token and an optional JSON body; returns the status and
    /// the JSON answer (null when there is none).
    pub async fn call_api(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = reqwest::Client::new()
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// The id of the user with this e-mail.
    pub async fn user_id(&self, email: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    pub async fn get_html(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let res = client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.text().await.unwrap())
    }
}

impl TestApp {
    /// Runs queued background jobs (analysis, training, evaluation) until none is left.
    pub async fn run_jobs(&self) {
        let mut engine = None;
        for _ in 0..10_000 {
            if !ticketlens::server::jobs::worker::step(&self.jobs, &mut engine).await {
                return;
            }
        }
        panic!("jobs did not finish");
    }
}
