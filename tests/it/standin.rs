//! A local stand-in LLM server on 127.0.0.1:0 that checks each request and follows a script.

use crate::wire;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ticketlens::server::llm::Provider;

/// What the stand-in does with the next request (after checking its path, key and shape).
#[derive(Clone, Debug)]
pub enum Step {
    /// Label every item in the prompt by keyword, as a well-behaved model would.
    Answer,
    /// Reply 200 with this model text.
    Text(String),
    /// The right answer without its first entry.
    DropFirst,
    /// The right answer with the first label replaced by one not in the set.
    WrongLabel,
    /// An error status with this message in the provider's format, maybe with `Retry-After`.
    Fail(u16, &'static str, Option<&'static str>),
    /// Wait, then answer.
    Sleep(Duration),
}

/// One request as the stand-in received it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub at: Instant,
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Value,
}

struct Inner {
    provider: Provider,
    model: String,
    key: Option<String>,
    script: Mutex<VecDeque<Step>>,
    seen: Mutex<Vec<Seen>>,
}

pub struct Standin {
    pub base_url: String,
    inner: Arc<Inner>,
}

impl Standin {
    /// Serves `provider`'s API for `model`, expecting `key` (or no key header at all); once
    /// the script is used up every request gets [`Step::Answer`].
    pub async fn start(
        provider: Provider,
        model: &str,
        key: Option<&str>,
        script: Vec<Step>,
    ) -> Self {
        let inner = Arc::new(Inner {
            provider,
            model: model.into(),
            key: key.map(String::from),
            script: Mutex::new(script.into()),
            seen: Mutex::new(Vec::new()),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let version = match provider {
            Provider::Gemini => "v1beta",
            Provider::OpenAi => "v1",
        };
        Standin {
            base_url: format!("http://{addr}/{version}"),
            inner,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.inner.seen.lock().unwrap().clone()
    }
}

async fn handle(
    State(s): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let seen = Seen {
        at: Instant::now(),
        uri: uri.to_string(),
        headers: headers.clone(),
        body: body.clone(),
    };
    s.seen.lock().unwrap().push(seen);
    let p = s.provider;
    if method != Method::POST || uri.path() != wire::path(p, &s.model) || uri.query().is_some() {
        return wire::error(p, 404, &format!("no route for {method} {uri}"), None);
    }
    if wire::key_sent(p, &headers) != s.key.as_deref() {
        let status = if p == Provider::Gemini { 400 } else { 401 };
        return wire::error(
            p,
            status,
            "API key not valid. Please pass a valid API key.",
            None,
        );
    }
    let Some((user, schema)) = wire::parse_request(p, &body, &s.model) else {
        return wire::error(p, 400, "request does not have the expected shape", None);
    };
    let step = s.script.lock().unwrap().pop_front().unwrap_or(Step::Answer);
    let items = wire::items_in(&user);
    let text = match (step, schema) {
        (Step::Fail(status, message, retry_after), _) => {
            return wire::error(p, status, message, retry_after)
        }
        (Step::Text(text), _) => text,
        (_, None) => format!("Draft reply for: {}", user.trim()),
        (step, Some(schema)) => {
            if !wire::schema_lists(&schema, &items) {
                return wire::error(
                    p,
                    400,
                    "schema enums do not match the items and labels",
                    None,
                );
            }
            if let Step::Sleep(d) = step {
                tokio::time::sleep(d).await;
            }
            answer(&items, &step)
        }
    };
    // Token counts the tests can predict: 10 prompt and 3 completion tokens per item, plus 5.
    let n = items.len() as u64;
    wire::success(p, &s.model, &text, 10 * n + 5, 3 * n)
}

/// The keyword labels of the items, spoiled as the step asks.
fn answer(items: &[(String, String)], step: &Step) -> String {
    let mut results: Vec<Value> = items
        .iter()
        .map(|(id, text)| {
            let (label, score) = label_of(text);
            let reason = format!("The stand-in read it as {label}.");
            json!({ "id": id, "label": label, "score": score, "reason": reason })
        })
        .collect();
    match step {
        Step::DropFirst => drop(results.remove(0)),
        Step::WrongLabel => results[0]["label"] = json!("furious"),
        _ => {}
    }
    json!({ "results": results }).to_string()
}

fn label_of(text: &str) -> (&'static str, f64) {
    let t = text.to_lowercase();
    if ["love", "thanks", "great"].iter().any(|w| t.contains(w)) {
        ("positive", 0.8)
    } else if ["broken", "refund", "angry"].iter().any(|w| t.contains(w)) {
        ("negative", -0.7)
    } else {
        ("neutral", 0.0)
    }
}
