//! Gemini `generateContent` wire format: URL, key header, request body, reply and schema.

use super::backoff::seconds;
use super::{LlmError, ProviderReply};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};
use std::time::Duration;

/// `{base}/models/{model}:generateContent`; the key never goes in the URL.
pub(crate) fn url(base_url: &str, model: &str) -> String {
    let model = model.trim().trim_start_matches("models/");
    format!(
        "{}/models/{model}:generateContent",
        base_url.trim().trim_end_matches('/')
    )
}

/// The `x-goog-api-key` header, marked sensitive.
pub(crate) fn auth_headers(key: Option<&str>) -> anyhow::Result<HeaderMap> {
    let mut headers = HeaderMap::new();
    if let Some(key) = key {
        let mut value = HeaderValue::from_str(key).map_err(|_| {
            anyhow::anyhow!("the Gemini API key contains characters not allowed in a header")
        })?;
        value.set_sensitive(true);
        headers.insert("x-goog-api-key", value);
    }
    Ok(headers)
}

/// A one-turn request; with a schema the reply is constrained to JSON of that shape.
pub(crate) fn body(system: &str, user: &str, schema: Option<Value>) -> Value {
    let mut body = json!({
        "systemInstruction": { "parts": [{ "text": system }] },
        "contents": [{ "role": "user", "parts": [{ "text": user }] }],
    });
    if let Some(schema) = schema {
        body["generationConfig"] = json!({
            "temperature": 0,
            "responseMimeType": "application/json",
            "responseSchema": schema,
        });
    }
    body
}

/// The classification reply shape in Gemini's OpenAPI-subset schema.
pub(crate) fn classify_schema(ids: &[&str], labels: &[String]) -> Value {
    json!({
        "type": "OBJECT",
        "properties": {
            "results": {
                "type": "ARRAY",
                "items": {
                    "type": "OBJECT",
                    "properties": {
                        "id": { "type": "STRING", "enum": ids },
                        "label": { "type": "STRING", "enum": labels },
                        "score": { "type": "NUMBER" },
                        "reason": { "type": "STRING" },
                    },
                    "required": ["id", "label", "score", "reason"],
                    "propertyOrdering": ["id", "label", "score", "reason"],
                },
            },
        },
        "required": ["results"],
    })
}

/// Text, finish reason and token counts of a 2xx body. Thought parts are skipped but
/// their tokens (`thoughtsTokenCount`) are billed as output, so they count as completion.
pub(crate) fn parse(body: &str) -> Result<ProviderReply, LlmError> {
    let v: Value = serde_json::from_str(body)
        .map_err(|e| LlmError::malformed(format!("Gemini reply is not JSON: {e}")))?;
    let usage = &v["usageMetadata"];
    let count = |field: &str| usage[field].as_u64().unwrap_or(0);
    let Some(candidate) = v["candidates"].as_array().and_then(|c| c.first()) else {
        let reason = v["promptFeedback"]["blockReason"]
            .as_str()
            .map(|r| format!("Gemini blocked the prompt ({r})"))
            .unwrap_or_else(|| "Gemini reply has no candidates".into());
        return Err(LlmError::malformed(reason));
    };
    let text: String = candidate["content"]["parts"]
        .as_array()
        .map(|parts| {
            parts
                .iter()
                .filter(|p| !p["thought"].as_bool().unwrap_or(false))
                .filter_map(|p| p["text"].as_str())
                .collect()
        })
        .unwrap_or_default();
    Ok(ProviderReply {
        text,
        finish_reason: candidate["finishReason"].as_str().map(str::to_string),
        prompt_tokens: count("promptTokenCount"),
        completion_tokens: count("candidatesTokenCount") + count("thoughtsTokenCount"),
    })
}

/// The delay in a `google.rpc.RetryInfo` error detail, e.g. `"retryDelay": "22s"`.
pub(crate) fn retry_hint(body: &str) -> Option<Duration> {
    let v: Value = serde_json::from_str(body).ok()?;
    v["error"]["details"]
        .as_array()?
        .iter()
        .find_map(|d| seconds(d["retryDelay"].as_str()?.strip_suffix('s')?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_keeps_the_key_out() {
        assert_eq!(
            url("https://g.example/v1beta/", "models/gemini-2.0-flash"),
            "https://g.example/v1beta/models/gemini-2.0-flash:generateContent"
        );
        let h = auth_headers(Some("k-123")).unwrap();
        assert!(h["x-goog-api-key"].is_sensitive());
    }

    #[test]
    fn parses_text_usage_and_skips_thoughts() {
        let body = r#"{"candidates":[{"content":{"role":"model","parts":[
            {"text":"hmm","thought":true},{"text":"{\"a\":"},{"text":"1}"}]},
            "finishReason":"STOP","index":0}],
            "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":5,
            "thoughtsTokenCount":3,"totalTokenCount":20}}"#;
        let r = parse(body).unwrap();
        assert_eq!(r.text, "{\"a\":1}");
        assert_eq!(r.finish_reason.as_deref(), Some("STOP"));
        assert_eq!((r.prompt_tokens, r.completion_tokens), (12, 8));
    }

    #[test]
    fn blocked_prompt_and_retry_info() {
        let blocked = r#"{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{}}"#;
        assert!(parse(blocked).unwrap_err().to_string().contains("SAFETY"));
        let err = r#"{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED",
            "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"22s"}]}}"#;
        assert_eq!(retry_hint(err), Some(Duration::from_secs(22)));
        assert_eq!(retry_hint("{}"), None);
    }
}
