//! Unit tests of reading LLM settings through a lookup closure.

use super::*;
use std::collections::HashMap;

fn read(vars: &[(&str, &str)]) -> anyhow::Result<Option<LlmSettings>> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    LlmSettings::from_lookup(|name| map.get(name).cloned())
}

#[test]
fn no_provider_means_no_llm() {
    assert!(read(&[]).unwrap().is_none());
    assert!(read(&[("TICKETLENS_LLM_PROVIDER", "  ")])
        .unwrap()
        .is_none());
    assert!(read(&[("OPENAI_API_KEY", "sk-x")]).unwrap().is_none());
}

#[test]
fn gemini_defaults_and_fallback_key() {
    let s = read(&[
        ("TICKETLENS_LLM_PROVIDER", "Gemini"),
        ("GEMINI_API_KEY", "g-key"),
    ])
    .unwrap()
    .unwrap();
    assert_eq!(s.provider, Provider::Gemini);
    assert_eq!(s.model, "gemini-2.0-flash");
    assert_eq!(
        s.base_url,
        "https://generativelanguage.googleapis.com/v1beta"
    );
    assert_eq!(s.api_key.as_ref().map(|k| k.expose()), Some("g-key"));
    assert_eq!(s.timeout, LlmSettings::DEFAULT_TIMEOUT);
    assert!(!format!("{s:?}").contains("g-key"));
}

#[test]
fn explicit_values_win() {
    let s = read(&[
        ("TICKETLENS_LLM_PROVIDER", "openai"),
        ("TICKETLENS_LLM_MODEL", "llama3.2"),
        ("TICKETLENS_LLM_BASE_URL", "http://localhost:11434/v1"),
        ("TICKETLENS_LLM_API_KEY", "main-key"),
        ("OPENAI_API_KEY", "other-key"),
        ("TICKETLENS_LLM_TIMEOUT_SECS", "2.5"),
        ("TICKETLENS_LLM_MAX_ATTEMPTS", "2"),
        ("TICKETLENS_LLM_BATCH_SIZE", "8"),
    ])
    .unwrap()
    .unwrap();
    assert_eq!(s.provider, Provider::OpenAi);
    assert_eq!(s.model, "llama3.2");
    assert_eq!(s.base_url, "http://localhost:11434/v1");
    assert_eq!(s.api_key.as_ref().map(|k| k.expose()), Some("main-key"));
    assert_eq!(s.timeout, Duration::from_millis(2500));
    assert_eq!((s.max_attempts, s.batch_size), (2, 8));
}

#[test]
fn openai_compatible_servers_need_no_key() {
    let s = read(&[("TICKETLENS_LLM_PROVIDER", "openai")])
        .unwrap()
        .unwrap();
    assert!(s.api_key.is_none());
    assert_eq!(s.model, "gpt-4o-mini");
}

#[test]
fn bad_values_are_named() {
    let err = |vars: &[(&str, &str)]| read(vars).unwrap_err().to_string();
    assert!(err(&[("TICKETLENS_LLM_PROVIDER", "claude")]).contains("claude"));
    let base = [("TICKETLENS_LLM_PROVIDER", "openai")];
    let with = |extra: (&str, &str)| {
        let mut v = base.to_vec();
        v.push(extra);
        err(&v)
    };
    assert!(with(("TICKETLENS_LLM_TIMEOUT_SECS", "soon")).contains("TICKETLENS_LLM_TIMEOUT_SECS"));
    assert!(with(("TICKETLENS_LLM_TIMEOUT_SECS", "0")).contains("TICKETLENS_LLM_TIMEOUT_SECS"));
    assert!(with(("TICKETLENS_LLM_MAX_ATTEMPTS", "0")).contains("TICKETLENS_LLM_MAX_ATTEMPTS"));
    assert!(with(("TICKETLENS_LLM_BATCH_SIZE", "-3")).contains("TICKETLENS_LLM_BATCH_SIZE"));
    assert!(with(("TICKETLENS_LLM_BASE_URL", "localhost:11434")).contains("http://"));
    assert!(err(&[("TICKETLENS_LLM_PROVIDER", "gemini")]).contains("GEMINI_API_KEY"));
}
