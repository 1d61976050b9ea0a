//! The stand-in's side of each wire format: paths, key headers, request shapes, replies, errors.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use ticketlens::server::llm::Provider;

pub fn path(provider: Provider, model: &str) -> String {
    match provider {
        Provider::Gemini => format!("/v1beta/models/{model}:generateContent"),
        Provider::OpenAi => "/v1/chat/completions".into(),
    }
}

/// The key as the provider expects it: `x-goog-api-key`, or `Authorization: Bearer`.
pub fn key_sent(provider: Provider, headers: &HeaderMap) -> Option<&str> {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match provider {
        Provider::Gemini => value("x-goog-api-key"),
        Provider::OpenAi => value("authorization")
            .map(|v| v.strip_prefix("Bearer ").unwrap_or("(not a bearer token)")),
    }
}

/// The user text and, when the reply is constrained, the schema of one result entry's properties.
pub fn parse_request(
    provider: Provider,
    body: &Value,
    model: &str,
) -> Option<(String, Option<Value>)> {
    match provider {
        Provider::Gemini => parse_gemini(body),
        Provider::OpenAi => parse_openai(body, model),
    }
}

fn parse_gemini(body: &Value) -> Option<(String, Option<Value>)> {
    body["systemInstruction"]["parts"][0]["text"].as_str()?;
    let content = &body["contents"][0];
    (content["role"] == "user").then_some(())?;
    let user = content["parts"][0]["text"].as_str()?.to_string();
    let config = &body["generationConfig"];
    if config.is_null() {
        return Some((user, None));
    }
    let schema = &config["responseSchema"];
    (config["responseMimeType"] == "application/json" && schema["type"] == "OBJECT")
        .then_some(())?;
    let entry = &schema["properties"]["results"];
    (entry["type"] == "ARRAY" && entry["items"]["type"] == "OBJECT").then_some(())?;
    Some((user, Some(entry["items"]["properties"].clone())))
}

fn parse_openai(body: &Value, model: &str) -> Option<(String, Option<Value>)> {
    let messages = &body["messages"];
    (body["model"] == model && messages[0]["role"] == "system" && messages[1]["role"] == "user")
        .then_some(())?;
    messages[0]["content"].as_str()?;
    let user = messages[1]["content"].as_str()?.to_string();
    let format = &body["response_format"];
    if format.is_null() {
        return Some((user, None));
    }
    let spec = &format["json_schema"];
    let schema = &spec["schema"];
    let strict_ok =
        format["type"] == "json_schema" && spec["strict"] == true && spec["name"].is_string();
    (strict_ok && schema["type"] == "object" && schema["additionalProperties"] == false)
        .then_some(())?;
    let items = &schema["properties"]["results"]["items"];
    (items["additionalProperties"] == false
        && items["required"] == json!(["id", "label", "score", "reason"])
        && items["properties"]["reason"]["type"] == "string")
        .then_some(())?;
    Some((user, Some(items["properties"].clone())))
}

/// `(id, text)` of every JSON line in the user message.
pub fn items_in(user: &str) -> Vec<(String, String)> {
    user.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            Some((
                v["id"].as_str()?.to_string(),
                v["text"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The schema's id enum names exactly the items, and its label enum is the three labels.
pub fn schema_lists(properties: &Value, items: &[(String, String)]) -> bool {
    let ids: Vec<&str> = items.iter().map(|(id, _)| id.as_str()).collect();
    let enum_ids: Vec<&str> = properties["id"]["enum"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    !ids.is_empty()
        && enum_ids == ids
        && properties["label"]["enum"] == json!(["negative", "neutral", "positive"])
}

/// A 200 reply carrying `text` as the model's answer.
pub fn success(
    provider: Provider,
    model: &str,
    text: &str,
    prompt: u64,
    completion: u64,
) -> Response {
    let body = match provider {
        Provider::Gemini => json!({
            "candidates": [{
                "content": { "parts": [{ "text": text }], "role": "model" },
                "finishReason": "STOP",
                "index": 0,
            }],
            "usageMetadata": {
                "promptTokenCount": prompt,
                "candidatesTokenCount": completion,
                "totalTokenCount": prompt + completion,
            },
            "modelVersion": model,
        }),
        Provider::OpenAi => json!({
            "id": "chatcmpl-standin",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [{
                "index": 0,
                "message": { "role": "assistant", "content": text, "refusal": null },
                "logprobs": null,
                "finish_reason": "stop",
            }],
            "usage": { "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion },
        }),
    };
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// An error in the provider's format: Gemini `{code, message, status}`, OpenAI `{message, type, code}`.
pub fn error(
    provider: Provider,
    status: u16,
    message: &str,
    retry_after: Option<&str>,
) -> Response {
    let body = match provider {
        Provider::Gemini => {
            let name = match status {
                400 => "INVALID_ARGUMENT",
                404 => "NOT_FOUND",
                429 => "RESOURCE_EXHAUSTED",
                503 => "UNAVAILABLE",
                _ => "INTERNAL",
            };
            json!({ "error": { "code": status, "message": message, "status": name } })
        }
        Provider::OpenAi => {
            let kind = match status {
                429 => "rate_limit_exceeded",
                500.. => "server_error",
                _ => "invalid_request_error",
            };
            json!({ "error": { "message": message, "type": kind, "param": null, "code": null } })
        }
    };
    let mut response = (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response();
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert("retry-after", secs.parse().unwrap());
    }
    response
}
