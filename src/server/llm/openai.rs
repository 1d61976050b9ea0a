//! OpenAI-compatible `chat/completions` wire format: URL, bearer header, body, reply and schema.

use super::{LlmError, ProviderReply};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use serde_json::{json, Value};
use std::time::Duration;

/// `{base}/chat/completions`.
pub(crate) fn url(base_url: &str) -> String {
    format!("{}/chat/completions", base_url.trim().trim_end_matches('/'))
}

/// `Authorization: Bearer {key}`, marked sensitive; none for keyless local servers.
pub(crate) fn auth_headers(key: Option<&str>) -> anyhow::Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    if let Some(key) = key {
        let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
            anyhow::anyhow!("the API key contains characters not allowed in a header")
        })?;
        value.set_sensitive(true);
        headers.insert(AUTHORIZATION, value);
    }
    Ok(headers)
}

/// A system + user conversation; with a schema the reply is constrained by strict JSON schema.
pub(crate) fn body(model: &str, system: &str, user: &str, schema: Option<Value>) -> Value {
    let mut body = json!({
        "model": model.trim(),
        "messages": [
            { "role": "system", "content": system },
            { "role": "user", "content": user },
        ],
    });
    if let Some(schema) = schema {
        body["temperature"] = json!(0);
        body["response_format"] = json!({
            "type": "json_schema",
            "json_schema": { "name": "ticket_labels", "strict": true, "schema": schema },
        });
    }
    body
}

/// The classification reply shape in the JSON Schema subset strict mode accepts.
pub(crate) fn classify_schema(ids: &[&str], labels: &[String]) -> Value {
    json!({
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string", "enum": ids },
                        "label": { "type": "string", "enum": labels },
                        "score": { "type": "number" },
                        "reason": { "type": "string" },
                    },
                    "required": ["id", "label", "score", "reason"],
                    "additionalProperties": false,
                },
            },
        },
        "required": ["results"],
        "additionalProperties": false,
    })
}

/// Text, finish reason and token counts of a 2xx body (servers without `usage` count 0).
pub(crate) fn parse(body: &str) -> Result<ProviderReply, LlmError> {
    let v: Value = serde_json::from_str(body)
        .map_err(|e| LlmError::malformed(format!("chat/completions reply is not JSON: {e}")))?;
    let Some(choice) = v["choices"].as_array().and_then(|c| c.first()) else {
        return Err(LlmError::malformed("chat/completions reply has no choices"));
    };
    let message = &choice["message"];
    if let Some(refusal) = message["refusal"].as_str() {
        return Err(LlmError::malformed(format!("the model refused: {refusal}")));
    }
    let usage = &v["usage"];
    Ok(ProviderReply {
        text: message["content"].as_str().unwrap_or_default().to_string(),
        finish_reason: choice["finish_reason"].as_str().map(str::to_string),
        prompt_tokens: usage["prompt_tokens"].as_u64().unwrap_or(0),
        completion_tokens: usage["completion_tokens"].as_u64().unwrap_or(0),
    })
}

/// OpenAI-compatible servers give no retry hint in the body; `Retry-After` covers them.
pub(crate) fn retry_hint(_body: &str) -> Option<Duration> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_and_bearer() {
        assert_eq!(
            url("http://localhost:11434/v1/"),
            "http://localhost:11434/v1/chat/completions"
        );
        let h = auth_headers(Some("sk-1")).unwrap();
        assert_eq!(h[AUTHORIZATION], "Bearer sk-1");
        assert!(h[AUTHORIZATION].is_sensitive());
        assert!(auth_headers(None).unwrap().is_empty());
    }

    #[test]
    fn parses_content_usage_and_refusals() {
        let body = r#"{"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,
            "message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"#;
        let r = parse(body).unwrap();
        assert_eq!(
            (r.text.as_str(), r.prompt_tokens, r.completion_tokens),
            ("hi", 9, 2)
        );
        assert_eq!(r.finish_reason.as_deref(), Some("stop"));
        let refused = r#"{"choices":[{"message":{"role":"assistant","content":null,
            "refusal":"no"},"finish_reason":"stop"}]}"#;
        assert!(parse(refused).unwrap_err().to_string().contains("refused"));
        assert!(parse("<html>").is_err());
    }
}
