//! Which LLM to call and how: provider, endpoint, model, key, timeout, attempts and batch size.

use crate::server::config::Secret;
use std::time::Duration;

/// The wire format spoken by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// Google's `models/{model}:generateContent`.
    Gemini,
    /// Any `chat/completions` server: OpenAI, Ollama, vLLM, llama.cpp.
    OpenAi,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gemini => "gemini",
            Provider::OpenAi => "openai",
        }
    }

    pub fn default_base_url(self) -> &'static str {
        match self {
            Provider::Gemini => "https://generativelanguage.googleapis.com/v1beta",
            Provider::OpenAi => "https://api.openai.com/v1",
        }
    }

    pub fn default_model(self) -> &'static str {
        match self {
            Provider::Gemini => "gemini-2.0-flash",
            Provider::OpenAi => "gpt-4o-mini",
        }
    }

    /// The provider-specific key variable accepted after `TICKETLENS_LLM_API_KEY`.
    fn key_var(self) -> &'static str {
        match self {
            Provider::Gemini => "GEMINI_API_KEY",
            Provider::OpenAi => "OPENAI_API_KEY",
        }
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Provider {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gemini" => Ok(Provider::Gemini),
            "openai" => Ok(Provider::OpenAi),
            other => anyhow::bail!("unknown LLM provider {other:?} (expected gemini or openai)"),
        }
    }
}

/// Settings of one LLM client. `Debug` shows the key only as `Secret(***)`.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    pub provider: Provider,
    /// Up to and including the API version, e.g. `http://localhost:11434/v1` for Ollama.
    pub base_url: String,
    pub model: String,
    /// Sent as `x-goog-api-key` (Gemini) or `Authorization: Bearer` (OpenAI-compatible).
    pub api_key: Option<Secret>,
    /// Per HTTP attempt, from connecting until the whole reply is read.
    pub timeout: Duration,
    /// HTTP attempts per request, counting the first (at least 1).
    pub max_attempts: u32,
    /// Items classified per request.
    pub batch_size: usize,
}

impl LlmSettings {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
    pub const DEFAULT_BATCH_SIZE: usize = 20;

    /// The provider's defaults for everything but the model.
    pub fn new(provider: Provider, model: impl Into<String>) -> Self {
        LlmSettings {
            provider,
            base_url: provider.default_base_url().to_string(),
            model: model.into(),
            api_key: None,
            timeout: Self::DEFAULT_TIMEOUT,
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            batch_size: Self::DEFAULT_BATCH_SIZE,
        }
    }

    /// Reads the `TICKETLENS_LLM_*` variables; `None` when no provider is configured.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`LlmSettings::from_env`], reading variables through `get` (blank counts as unset).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Option<Self>> {
        let var = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let Some(provider) = var("TICKETLENS_LLM_PROVIDER") else {
            return Ok(None);
        };
        let provider: Provider = provider
            .parse()
            .map_err(|e| anyhow::anyhow!("TICKETLENS_LLM_PROVIDER: {e}"))?;
        let model = var("TICKETLENS_LLM_MODEL").unwrap_or_else(|| provider.default_model().into());
        let mut settings = LlmSettings::new(provider, model);
        if let Some(url) = var("TICKETLENS_LLM_BASE_URL") {
            settings.base_url = url;
        }
        settings.api_key = var("TICKETLENS_LLM_API_KEY")
            .or_else(|| var(provider.key_var()))
            .map(Secret::new);
        if let Some(secs) = var("TICKETLENS_LLM_TIMEOUT_SECS") {
            let secs: f64 = secs
                .parse()
                .ok()
                .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "TICKETLENS_LLM_TIMEOUT_SECS={secs:?} is not a number of seconds in (0, 3600]"
                    )
                })?;
            settings.timeout = Duration::from_secs_f64(secs);
        }
        if let Some(n) = var("TICKETLENS_LLM_MAX_ATTEMPTS") {
            settings.max_attempts = parse_count("TICKETLENS_LLM_MAX_ATTEMPTS", &n, 20)?;
        }
        if let Some(n) = var("TICKETLENS_LLM_BATCH_SIZE") {
            settings.batch_size = parse_count("TICKETLENS_LLM_BATCH_SIZE", &n, 500)?;
        }
        settings.validate()?;
        Ok(Some(settings))
    }

    /// Checks what a client needs before any request goes out.
    pub fn validate(&self) -> anyhow::Result<()> {
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            anyhow::bail!("LLM base URL {url:?} must start with http:// or https://");
        }
        if self.model.trim().is_empty() {
            anyhow::bail!("LLM model name is empty");
        }
        if self.provider == Provider::Gemini && self.api_key.is_none() {
            anyhow::bail!("Gemini needs an API key: set TICKETLENS_LLM_API_KEY or GEMINI_API_KEY");
        }
        if self.timeout.is_zero() || self.max_attempts == 0 || self.batch_size == 0 {
            anyhow::bail!("LLM timeout, attempts and batch size must be positive");
        }
        Ok(())
    }
}

fn parse_count<T: std::str::FromStr + PartialOrd + From<u8> + std::fmt::Display>(
    name: &str,
    value: &str,
    max: T,
) -> anyhow::Result<T> {
    value
        .parse::<T>()
        .ok()
        .filter(|n| *n >= T::from(1) && *n <= max)
        .ok_or_else(|| anyhow::anyhow!("{name}={value:?} is not a whole number from 1 to {max}"))
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
