//! `LlmClient`: one configured provider, sending requests through the retry loop.

use super::backoff::Backoff;
use super::retry::{self, Policy, Sent, WireRequest};
use super::{gemini, openai, Completion, LlmError, LlmSettings, Provider, ProviderReply, Usage};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// A client for the configured provider. `Debug` never shows the key.
#[derive(Clone)]
pub struct LlmClient {
    settings: LlmSettings,
    http: reqwest::Client,
    url: String,
    auth: HeaderMap,
    backoff: Backoff,
}

/// A request that reached the provider and got a 2xx reply, decoded or not.
pub(crate) struct Called {
    pub sent: Sent,
    pub reply: Result<ProviderReply, LlmError>,
}

impl Called {
    pub fn usage(&self) -> Usage {
        let (prompt_tokens, completion_tokens) = match &self.reply {
            Ok(r) => (r.prompt_tokens, r.completion_tokens),
            Err(_) => (0, 0),
        };
        Usage {
            prompt_tokens,
            completion_tokens,
            requests: 1,
            attempts: self.sent.attempts,
            latency_ms: self.sent.latency_ms,
        }
    }
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("settings", &self.settings)
            .field("url", &self.url)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl LlmClient {
    /// Checks the settings and prepares the HTTP client and auth header.
    pub fn new(settings: LlmSettings) -> anyhow::Result<Self> {
        settings.validate()?;
        let key = settings.api_key.as_ref().map(|k| k.expose());
        let (url, auth) = match settings.provider {
            Provider::Gemini => (
                gemini::url(&settings.base_url, &settings.model),
                gemini::auth_headers(key)?,
            ),
            Provider::OpenAi => (openai::url(&settings.base_url), openai::auth_headers(key)?),
        };
        let http = reqwest::Client::builder()
            .user_agent(concat!("ticketlens/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(settings.timeout)
            .build()
            .map_err(|e| anyhow::anyhow!("could not build the HTTP client: {e}"))?;
        Ok(LlmClient {
            settings,
            http,
            url,
            auth,
            backoff: Backoff::default(),
        })
    }

    /// Replaces the pauses between retries (tests use a few milliseconds).
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    /// `provider:model`, e.g. `gemini:gemini-2.0-flash`, recorded as the engine version.
    pub fn describe(&self) -> String {
        format!("{}:{}", self.settings.provider, self.settings.model.trim())
    }

    /// Free text for `user` under the `system` instructions (no schema), e.g. a reply draft.
    pub async fn complete(&self, system: &str, user: &str) -> Result<Completion, LlmError> {
        let called = self.call(system, user, None, 1).await?;
        let usage = called.usage();
        let Called { mut sent, reply } = called;
        let reply = reply?;
        let exchange = sent
            .exchanges
            .pop()
            .ok_or_else(|| LlmError::malformed("no reply was recorded"))?;
        if reply.text.trim().is_empty() {
            return Err(LlmError::malformed(format!(
                "empty reply (finish reason {})",
                reply.finish_reason.as_deref().unwrap_or("unknown")
            )));
        }
        Ok(Completion {
            text: reply.text,
            finish_reason: reply.finish_reason,
            usage,
            exchange,
        })
    }

    /// Sends one request (with retries) and decodes the provider's envelope.
    #[tracing::instrument(skip_all, fields(provider = %self.settings.provider, model = %self.settings.model, items = items))]
    pub(crate) async fn call(
        &self,
        system: &str,
        user: &str,
        schema: Option<Value>,
        items: usize,
    ) -> Result<Called, LlmError> {
        let (body, body_hint): (Value, fn(&str) -> _) = match self.settings.provider {
            Provider::Gemini => (gemini::body(system, user, schema), gemini::retry_hint),
            Provider::OpenAi => (
                openai::body(&self.settings.model, system, user, schema),
                openai::retry_hint,
            ),
        };
        let request = WireRequest {
            url: self.url.clone(),
            headers: self.auth.clone(),
            body,
        };
        let policy = Policy {
            timeout: self.settings.timeout,
            max_attempts: self.settings.max_attempts,
            backoff: &self.backoff,
            secret: self.settings.api_key.as_ref().map(|k| k.expose()),
            body_hint,
        };
        let sent = retry::send(&self.http, &request, &policy).await?;
        let reply = match self.settings.provider {
            Provider::Gemini => gemini::parse(&sent.body),
            Provider::OpenAi => openai::parse(&sent.body),
        };
        tracing::debug!(
            items,
            attempts = sent.attempts,
            latency_ms = sent.latency_ms,
            "LLM call done"
        );
        Ok(Called { sent, reply })
    }

    /// The provider-specific schema of a classification reply for these ids and labels.
    pub(crate) fn classify_schema(&self, ids: &[&str], labels: &[String]) -> Value {
        match self.settings.provider {
            Provider::Gemini => gemini::classify_schema(ids, labels),
            Provider::OpenAi => openai::classify_schema(ids, labels),
        }
    }
}
