//! Building engines from the database: the admin's active choice, a model version, a prompt version.

use super::engine::Engine;
use super::local::LocalModel;
use super::tuned;
use crate::domain::{EngineChoice, EngineKind};
use crate::server::db;
use crate::server::llm::{self, LlmClient};
use crate::server::pipeline::embed::{Embedder, EmbedderConfig};
use anyhow::Context;
use sqlx::PgPool;
use std::sync::Arc;

/// The task name prompts and few-shot examples are stored under.
pub const TASK: &str = "sentiment";

/// The engine an admin made active (the lexicon until one is chosen).
pub async fn active_choice(pool: &PgPool) -> anyhow::Result<EngineChoice> {
    Ok(
        db::app_settings::get(pool, db::app_settings::ACTIVE_SENTIMENT)
            .await?
            .unwrap_or(EngineChoice::LEXICON),
    )
}

/// Builds the engine for a choice, reading its model or prompt and examples from the database.
/// A tuned local model loads its encoder on `embedder`'s folder and runtime.
pub async fn load(
    pool: &PgPool,
    choice: EngineChoice,
    llm: Option<Arc<LlmClient>>,
    embedder: &EmbedderConfig,
) -> anyhow::Result<Engine> {
    match choice.kind {
        EngineKind::Lexicon => Ok(Engine::Lexicon),
        EngineKind::Local => {
            let id = match choice.model_id {
                Some(id) => id,
                None => db::models::latest_id(pool)
                    .await?
                    .context("no local model has been trained yet")?,
            };
            load_local(pool, id, embedder).await
        }
        EngineKind::Llm => {
            let client = llm.context(
                "no LLM provider is configured (set TICKETLENS_LLM_PROVIDER and its key)",
            )?;
            let prompt_id = match choice.prompt_id {
                Some(id) => Some(id),
                None => db::prompts::list(pool, TASK).await?.first().map(|p| p.id),
            };
            let rendered = render_prompt(pool, prompt_id).await?;
            // The built-in template has no stored version: its text's fingerprint stands in, so
            // a changed template is a new engine version (stored labels become stale).
            let prompt = match rendered.version {
                0 => format!(
                    "builtin-{}",
                    template_hash(llm::prompt::DEFAULT_SENTIMENT_TEMPLATE)
                ),
                v => v.to_string(),
            };
            let version = format!(
                "{} prompt-v{prompt} examples-{}",
                client.describe(),
                examples_hash(&rendered.examples)
            );
            let instructions = rendered.instructions;
            let fallback = match db::models::latest_id(pool).await? {
                Some(id) => load_local(pool, id, embedder)
                    .await
                    .unwrap_or(Engine::Lexicon),
                None => Engine::Lexicon,
            };
            Ok(Engine::Llm {
                client,
                instructions,
                version,
                fallback: Box::new(fallback),
            })
        }
    }
}

/// A prompt version filled in with the active few-shot examples.
pub struct RenderedPrompt {
    pub instructions: String,
    /// The prompt's version; 0 for the built-in template.
    pub version: i32,
    pub examples: Vec<llm::prompt::FewShot>,
}

/// Renders prompt `prompt_id` (None: the built-in template) with the active examples.
pub async fn render_prompt(
    pool: &PgPool,
    prompt_id: Option<i64>,
) -> anyhow::Result<RenderedPrompt> {
    let (template, version) = match prompt_id {
        Some(id) => {
            let p = db::prompts::get(pool, TASK, id)
                .await?
                .with_context(|| format!("sentiment prompt {id} does not exist"))?;
            (p.template, p.version)
        }
        None => (llm::prompt::DEFAULT_SENTIMENT_TEMPLATE.to_string(), 0),
    };
    let examples: Vec<llm::prompt::FewShot> = db::prompts::examples(pool, TASK)
        .await?
        .into_iter()
        .filter(|e| e.retired_at.is_none())
        .map(|e| llm::prompt::FewShot {
            text: e.text,
            label: e.label,
        })
        .collect();
    Ok(RenderedPrompt {
        instructions: llm::prompt::render(&template, &examples, &super::label_names()),
        version,
        examples,
    })
}

async fn load_local(pool: &PgPool, id: i64, embedder: &EmbedderConfig) -> anyhow::Result<Engine> {
    let row = db::models::get(pool, id)
        .await?
        .with_context(|| format!("local model {id} does not exist"))?;
    let json = db::models::weights(pool, id)
        .await?
        .with_context(|| format!("local model {id} does not exist"))?;
    let model = tokio::task::spawn_blocking(move || serde_json::from_value::<LocalModel>(json))
        .await?
        .context("the stored local model cannot be read")?;
    let version = format!("local-v{}", row.version);
    let encoder = match db::models::tuned_layers(pool, id).await? {
        Some(bytes) => {
            let base = crate::server::pipeline::embed::model_name(&embedder.model_dir);
            anyhow::ensure!(
                row.embedder == base,
                "{version} was tuned on the embedding model {}, but the embedder is now {base}: \
                 train it again",
                row.embedder
            );
            let config = embedder.clone();
            let name = version.clone();
            Some(Arc::new(
                tokio::task::spawn_blocking(move || {
                    let layers = tuned::store::from_bytes(&bytes)?;
                    Embedder::load_tuned(&config, &layers, Some(&name))
                })
                .await?
                .with_context(|| format!("cannot load the tuned encoder of {version}"))?,
            ))
        }
        None => None,
    };
    Ok(Engine::Local {
        model: Arc::new(model),
        version,
        encoder,
    })
}

/// A short, stable fingerprint of a prompt template's text.
fn template_hash(template: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(template.as_bytes())[..4])
}

/// A short, stable fingerprint of the few-shot examples a prompt was rendered with.
pub fn examples_hash(examples: &[llm::prompt::FewShot]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for e in examples {
        h.update(e.label.as_bytes());
        h.update([0]);
        h.update(e.text.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..4])
}
