//! The active sentiment engine for ad-hoc requests, built once per admin choice instead of per
//! request (a local model is read from the database when built).

use crate::domain::EngineChoice;
use crate::server::llm::LlmClient;
use crate::server::pipeline::embed::EmbedderConfig;
use crate::server::pipeline::sentiment::engine::{self, Engine};
use sqlx::PgPool;
use std::sync::{Arc, RwLock};

/// Holds the engine for the active choice; rebuilds it only when an admin chooses another.
#[derive(Default)]
pub struct SentimentBook {
    loaded: RwLock<Option<(EngineChoice, Arc<Engine>)>>,
}

impl SentimentBook {
    /// The active engine; the lexicon when the chosen one cannot be built (as the worker does).
    pub async fn current(
        &self,
        pool: &PgPool,
        llm: Option<Arc<LlmClient>>,
        embedder: &EmbedderConfig,
    ) -> anyhow::Result<Arc<Engine>> {
        let choice = engine::active_choice(pool).await?;
        let cached = self.loaded.read().ok().and_then(|c| c.clone());
        if let Some((_, engine)) = cached.filter(|(c, _)| *c == choice) {
            return Ok(engine);
        }
        let built = match engine::load(pool, choice, llm, embedder).await {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(error = %e, "active engine unavailable; using the lexicon");
                Engine::Lexicon
            }
        };
        let entry = (choice, Arc::new(built));
        if let Ok(mut slot) = self.loaded.write() {
            *slot = Some(entry.clone());
        }
        Ok(entry.1)
    }
}
