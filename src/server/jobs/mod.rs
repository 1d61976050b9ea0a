//! Background work on the Postgres job table: ticket analysis, evaluation runs, model training.

pub mod alerts;
pub mod analyse;
pub mod analyse_messages;
pub mod backfill;
pub mod categorise;
pub mod clocks;
pub mod cluster;
pub mod draft;
pub mod embeddings;
pub mod escalate;
pub mod evaluate;
pub mod first_model;
pub mod import;
pub mod quality;
pub mod rescore;
pub mod rulebook;
pub mod runs;
pub mod sentiment_book;
pub mod sla_sweep;
pub mod train;
pub mod train_category;
pub mod train_tuned;
pub mod worker;

use crate::server::config::Settings;
use crate::server::llm::LlmClient;
use crate::server::pipeline::embed::{EmbedQueue, Embedder};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// Job kinds as stored in `jobs.kind`.
pub const ANALYSE: &str = "analyse_ticket";
pub const EVALUATE: &str = "evaluate";
pub const TRAIN: &str = "train_model";

/// How long a long job stays claimed without a heartbeat before another worker may take it.
pub const LEASE: Duration = Duration::from_secs(60);
/// The first retry delay; each further attempt doubles it (with jitter).
pub const RETRY_BASE: Duration = Duration::from_secs(5);

/// What every job needs: the database, the embedding model, the LLM client when configured.
#[derive(Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub embedder: Arc<Embedder>,
    /// The same embedder behind a dynamic batching queue, for single-text requests.
    pub embed_queue: EmbedQueue,
    pub llm: Option<Arc<LlmClient>>,
    /// The active escalation rules, compiled once per version.
    pub rules: Arc<rulebook::RuleBook>,
    /// The active sentiment engine for ad-hoc requests, built once per choice.
    pub sentiment: Arc<sentiment_book::SentimentBook>,
    /// The active category model, loaded once per choice.
    pub categories: Arc<categorise::CategoryBook>,
    /// Sends webhook deliveries.
    pub webhooks: Arc<crate::server::webhooks::Sender>,
    /// Sends e-mail, when SMTP is configured.
    pub mailer: Option<Arc<crate::server::mail::Mailer>>,
}

impl std::fmt::Debug for JobContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobContext")
            .field("embedder", &self.embedder.model_name())
            .field("llm", &self.llm.as_ref().map(|c| c.describe()))
            .finish()
    }
}

impl JobContext {
    /// Loads the embedding model (on the blocking pool) and builds the LLM client if configured.
    pub async fn load(pool: PgPool, settings: &Settings) -> anyhow::Result<Self> {
        let config = settings.embedder.clone();
        // Its errors name the missing file or library and the fix.
        let embedder = tokio::task::spawn_blocking(move || Embedder::load(&config)).await??;
        let llm = match &settings.llm {
            Some(llm) => Some(Arc::new(LlmClient::new(llm.clone())?)),
            None => None,
        };
        let embedder = Arc::new(embedder);
        Ok(JobContext {
            pool,
            embed_queue: EmbedQueue::start(embedder.clone()),
            embedder,
            llm,
            rules: Arc::default(),
            sentiment: Arc::default(),
            categories: Arc::default(),
            webhooks: Arc::new(crate::server::webhooks::Sender::new(Default::default())?),
            mailer: match &settings.mail {
                Some(mail) => Some(Arc::new(crate::server::mail::Mailer::new(
                    mail.clone(),
                    Default::default(),
                )?)),
                None => None,
            },
        })
    }
}

/// Embeds texts on the blocking pool, never on the async runtime.
pub async fn embed(embedder: &Arc<Embedder>, texts: Vec<String>) -> anyhow::Result<Vec<Vec<f32>>> {
    let embedder = embedder.clone();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        embedder.embed(&refs)
    })
    .await?
}
