//! Clients for LLM providers (Gemini, OpenAI-compatible), with retries, timeouts and accounting.

mod backoff;
mod classify;
mod client;
mod gemini;
mod openai;
pub mod prompt;
mod retry;
mod settings;

pub use backoff::Backoff;
pub use client::LlmClient;
pub use settings::{LlmSettings, Provider};

use serde::{Deserialize, Serialize};

/// One text to classify; `id` comes back with its label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmItem {
    pub id: String,
    pub text: String,
}

/// What the model said about one item: a label from the task's set and a score in [-1, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmLabel {
    pub id: String,
    pub label: String,
    pub score: f64,
    /// The model's one-sentence reason, when it gave one (at most 300 characters kept).
    pub reason: Option<String>,
}

/// A few-shot classification job: the rendered instructions, the allowed labels, the items.
#[derive(Debug, Clone)]
pub struct ClassifyTask {
    /// The system instructions, usually [`prompt::render`] of a template with examples.
    pub instructions: String,
    pub labels: Vec<String>,
    pub items: Vec<LlmItem>,
}

/// Tokens, requests and time spent on one job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Logical requests (one per batch, plus one per retried malformed reply).
    pub requests: u32,
    /// HTTP attempts, counting every retry.
    pub attempts: u32,
    /// Time spent waiting on the provider, summed over attempts (backoff sleeps excluded).
    pub latency_ms: u64,
}

impl Usage {
    /// Adds another job's figures to these.
    pub fn add(&mut self, other: &Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.requests += other.requests;
        self.attempts += other.attempts;
        self.latency_ms += other.latency_ms;
    }
}

/// One HTTP round trip as an admin may inspect it: the body sent (never the key) and the reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// Exactly the JSON body that was sent; the key travels in a header and is not here.
    pub request: serde_json::Value,
    /// The raw body received.
    pub reply: String,
    pub status: u16,
    pub latency_ms: u64,
}

/// The labels of a classification job with its accounting.
#[derive(Debug, Clone)]
pub struct ClassifyOutcome {
    /// One label per input item, in input order.
    pub results: Vec<LlmLabel>,
    pub usage: Usage,
    /// Every reply received, in order, including rate-limit, server-error and malformed ones.
    pub exchanges: Vec<Exchange>,
}

/// A free-text answer (for drafting replies).
#[derive(Debug, Clone)]
pub struct Completion {
    pub text: String,
    /// The provider's finish reason (`STOP`, `stop`, `length`, `MAX_TOKENS`, ...) when given.
    pub finish_reason: Option<String>,
    pub usage: Usage,
    /// The exchange whose reply is `text`.
    pub exchange: Exchange,
}

/// Why an LLM call failed, after any retries.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("LLM request timed out ({attempts} attempts, {timeout_ms} ms each)")]
    Timeout { attempts: u32, timeout_ms: u64 },
    #[error("LLM provider kept rate-limiting (HTTP 429, {attempts} attempts): {message}")]
    RateLimited { attempts: u32, message: String },
    #[error("LLM provider failed with HTTP {status} ({attempts} attempts): {message}")]
    Server {
        status: u16,
        attempts: u32,
        message: String,
    },
    #[error("LLM provider rejected the request with HTTP {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("LLM reply is malformed: {reason}")]
    Malformed { reason: String },
    #[error("could not reach the LLM provider ({attempts} attempts): {message}")]
    Transport { attempts: u32, message: String },
    /// The task itself is unusable (no labels, repeated ids); nothing was sent.
    #[error("invalid LLM task: {0}")]
    InvalidTask(String),
}

impl LlmError {
    pub(crate) fn malformed(reason: impl Into<String>) -> Self {
        LlmError::Malformed {
            reason: reason.into(),
        }
    }
}

/// What a provider's success body carries, whatever its wire format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProviderReply {
    pub text: String,
    pub finish_reason: Option<String>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

/// The provider's error message from a `{"error": {"message": ...}}` body (Gemini adds
/// `status`; some servers send `{"error": "..."}`), else the start of the body.
pub(crate) fn error_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let err = parsed.as_ref().and_then(|v| v.get("error"));
    if let Some(text) = err.and_then(|e| e.as_str()) {
        return text.to_string();
    }
    if let Some(message) = err.and_then(|e| e.get("message")).and_then(|m| m.as_str()) {
        return match err.and_then(|e| e.get("status")).and_then(|s| s.as_str()) {
            Some(status) => format!("{status}: {message}"),
            None => message.to_string(),
        };
    }
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "(empty body)".to_string();
    }
    trimmed.chars().take(300).collect()
}
