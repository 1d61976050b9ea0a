//! The sentiment engine in use: built from an admin's choice, scoring batches of texts, and falling back to a local engine when the LLM provider fails.

use super::{lexicon, local::LocalModel, Sentiment, SentimentLabel};
use crate::domain::EngineKind;
use crate::server::llm::{ClassifyTask, LlmClient, LlmItem};
use crate::server::pipeline::embed::Embedder;
use anyhow::Context;
use std::sync::Arc;

pub use super::load::{active_choice, examples_hash, load, TASK};
use std::time::Instant;

/// A ready-to-use engine with the exact version it will record.
pub enum Engine {
    Lexicon,
    Local {
        model: Arc<LocalModel>,
        version: String,
        /// A tuned model's own encoder; `None` when the head reads the base embeddings.
        encoder: Option<Arc<Embedder>>,
    },
    Llm {
        client: Arc<LlmClient>,
        instructions: String,
        version: String,
        fallback: Box<Engine>,
    },
}

/// One text's result and who produced it (after a fallback, not the engine asked).
#[derive(Debug, Clone)]
pub struct Scored {
    pub sentiment: Sentiment,
    pub engine: EngineKind,
    pub version: String,
    /// An LLM's one-sentence reason for the label.
    pub reason: Option<String>,
}

/// What scoring a batch cost.
#[derive(Debug, Clone, Default)]
pub struct Cost {
    pub latency_ms: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Texts scored by the fallback engine because the provider failed.
    pub fallbacks: usize,
}

impl Engine {
    pub fn kind(&self) -> EngineKind {
        match self {
            Engine::Lexicon => EngineKind::Lexicon,
            Engine::Local { .. } => EngineKind::Local,
            Engine::Llm { .. } => EngineKind::Llm,
        }
    }

    pub fn version(&self) -> String {
        match self {
            Engine::Lexicon => lexicon::VERSION.to_string(),
            Engine::Local { version, .. } | Engine::Llm { version, .. } => version.clone(),
        }
    }

    /// Whether scoring needs the texts' embeddings (the local engine, or an LLM falling back to it).
    pub fn needs_embeddings(&self) -> bool {
        match self {
            Engine::Lexicon => false,
            Engine::Local { encoder, .. } => encoder.is_none(),
            Engine::Llm { fallback, .. } => fallback.needs_embeddings(),
        }
    }

    /// Scores texts without any network call (lexicon or local model). `embeddings` (the base
    /// model's) are read by a head-only local engine; a tuned one embeds the texts itself.
    pub async fn score_offline(
        &self,
        texts: &[String],
        embeddings: &[Vec<f32>],
    ) -> anyhow::Result<Vec<Scored>> {
        match self {
            Engine::Lexicon => Ok(texts
                .iter()
                .map(|t| Scored {
                    sentiment: lexicon::sentiment(t),
                    engine: EngineKind::Lexicon,
                    version: lexicon::VERSION.to_string(),
                    reason: None,
                })
                .collect()),
            Engine::Local {
                model,
                version,
                encoder,
            } => {
                let own;
                let embeddings = match encoder {
                    Some(encoder) => {
                        let (encoder, texts) = (encoder.clone(), texts.to_vec());
                        own = tokio::task::spawn_blocking(move || {
                            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                            encoder.embed(&refs)
                        })
                        .await??;
                        &own
                    }
                    None => embeddings,
                };
                anyhow::ensure!(
                    embeddings.len() == texts.len(),
                    "the local engine needs an embedding for every text"
                );
                texts
                    .iter()
                    .zip(embeddings)
                    .map(|(t, e)| {
                        let p = model.predict(t, Some(e))?;
                        Ok(Scored {
                            sentiment: Sentiment {
                                label: p.label,
                                score: p.score,
                            },
                            engine: EngineKind::Local,
                            version: version.clone(),
                            reason: None,
                        })
                    })
                    .collect()
            }
            Engine::Llm { .. } => {
                anyhow::bail!("an LLM engine is not an offline engine; use Engine::score")
            }
        }
    }

    /// Scores a batch. The LLM engine falls back to its offline engine when the provider fails
    /// (after its retries), so a batch always gets a result; the cost says how many fell back.
    pub async fn score(
        &self,
        texts: &[String],
        embeddings: &[Vec<f32>],
    ) -> anyhow::Result<(Vec<Scored>, Cost)> {
        let Engine::Llm {
            client,
            instructions,
            version,
            fallback,
        } = self
        else {
            let started = Instant::now();
            let scored = self.score_offline(texts, embeddings).await?;
            let cost = Cost {
                latency_ms: started.elapsed().as_millis() as i64,
                ..Cost::default()
            };
            return Ok((scored, cost));
        };
        let task = classify_task(instructions, texts);
        match client.classify(&task).await {
            Ok(outcome) => {
                let mut scored = Vec::with_capacity(texts.len());
                for r in &outcome.results {
                    let label = SentimentLabel::parse(&r.label)
                        .with_context(|| format!("unexpected label {:?}", r.label))?;
                    scored.push((
                        r.id.parse::<usize>().unwrap_or(usize::MAX),
                        label,
                        r.score as f32,
                        r.reason.clone(),
                    ));
                }
                scored.sort_by_key(|s| s.0);
                let cost = Cost {
                    latency_ms: outcome.usage.latency_ms as i64,
                    prompt_tokens: outcome.usage.prompt_tokens as i64,
                    completion_tokens: outcome.usage.completion_tokens as i64,
                    fallbacks: 0,
                };
                let results = scored
                    .into_iter()
                    .map(|(_, label, score, reason)| Scored {
                        sentiment: Sentiment { label, score },
                        engine: EngineKind::Llm,
                        version: version.clone(),
                        reason,
                    })
                    .collect();
                Ok((results, cost))
            }
            Err(e) => {
                tracing::warn!(error = %e, items = texts.len(), "LLM failed; using the fallback engine");
                let started = Instant::now();
                let scored = fallback.score_offline(texts, embeddings).await?;
                let cost = Cost {
                    latency_ms: started.elapsed().as_millis() as i64,
                    fallbacks: texts.len(),
                    ..Cost::default()
                };
                Ok((scored, cost))
            }
        }
    }
}

/// The request for scoring `texts` with a rendered prompt; item ids are the texts' positions.
pub fn classify_task(instructions: &str, texts: &[String]) -> ClassifyTask {
    ClassifyTask {
        instructions: instructions.to_string(),
        labels: super::label_names(),
        items: texts
            .iter()
            .enumerate()
            .map(|(i, t)| LlmItem {
                id: i.to_string(),
                text: t.clone(),
            })
            .collect(),
    }
}
