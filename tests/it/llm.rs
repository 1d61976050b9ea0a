//! LLM clients against local stand-ins speaking the Gemini and OpenAI wire formats.

use crate::standin;
use standin::{Standin, Step};
use std::time::{Duration, Instant};
use ticketlens::server::config::Secret;
use ticketlens::server::llm::prompt::{self, FewShot};
use ticketlens::server::llm::{
    Backoff, ClassifyTask, LlmClient, LlmError, LlmItem, LlmSettings, Provider,
};

const KEY: &str = "test-key-7f3a9c";
const BOTH: [Provider; 2] = [Provider::Gemini, Provider::OpenAi];

fn model(provider: Provider) -> &'static str {
    match provider {
        Provider::Gemini => "gemini-test",
        Provider::OpenAi => "llama-test",
    }
}

async fn setup(provider: Provider, script: Vec<Step>, max_attempts: u32) -> (Standin, LlmClient) {
    let standin = Standin::start(provider, model(provider), Some(KEY), script).await;
    let mut settings = LlmSettings::new(provider, model(provider));
    settings.base_url = standin.base_url.clone();
    settings.api_key = Some(Secret::new(KEY.into()));
    settings.timeout = Duration::from_secs(5);
    settings.max_attempts = max_attempts;
    settings.batch_size = 2;
    (standin, client(settings))
}

fn client(settings: LlmSettings) -> LlmClient {
    let backoff = Backoff {
        base: Duration::from_millis(1),
        cap: Duration::from_millis(5),
        max_hint: Duration::from_secs(3),
    };
    LlmClient::new(settings).unwrap().with_backoff(backoff)
}

fn labels() -> Vec<String> {
    ["negative", "neutral", "positive"]
        .map(String::from)
        .to_vec()
}

fn task(texts: &[&str]) -> ClassifyTask {
    let examples = [
        FewShot {
            text: "Nothing works, this is useless".into(),
            label: "negative".into(),
        },
        FewShot {
            text: "Where can I download my invoice?".into(),
            label: "neutral".into(),
        },
    ];
    ClassifyTask {
        instructions: prompt::render(prompt::DEFAULT_SENTIMENT_TEMPLATE, &examples, &labels()),
        labels: labels(),
        items: texts
            .iter()
            .enumerate()
            .map(|(i, t)| LlmItem {
                id: format!("t{}", i + 1),
                text: t.to_string(),
            })
            .collect(),
    }
}

const FIVE: [&str; 5] = [
    "I love the new dashboard, thanks!",
    "The export is broken again, I want a \"refund\".",
    "How do I change my email address?\nAlso my phone.",
    "Great support",
    "Why was I charged twice?",
];

#[tokio::test]
async fn classifies_in_batches_and_sums_usage() {
    for provider in BOTH {
        let (standin, client) = setup(provider, vec![], 3).await;
        assert_eq!(
            client.describe(),
            format!("{}:{}", provider.as_str(), model(provider))
        );
        let out = client.classify(&task(&FIVE)).await.unwrap();
        let got: Vec<(&str, &str, f64)> = out
            .results
            .iter()
            .map(|r| (r.id.as_str(), r.label.as_str(), r.score))
            .collect();
        assert_eq!(
            got,
            [
                ("t1", "positive", 0.8),
                ("t2", "negative", -0.7),
                ("t3", "neutral", 0.0),
                ("t4", "positive", 0.8),
                ("t5", "neutral", 0.0)
            ]
        );
        // Batches of 2, 2 and 1: the stand-in bills 10 prompt and 3 completion tokens per item, plus 5 prompt per request.
        let u = out.usage;
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.requests, u.attempts),
            (65, 15, 3, 3)
        );
        let seen = standin.seen();
        assert_eq!(seen.len(), 3);
        assert_eq!(out.exchanges.len(), 3);
        for (exchange, seen) in out.exchanges.iter().zip(&seen) {
            assert_eq!(exchange.status, 200);
            assert_eq!(
                exchange.request, seen.body,
                "the recorded request is the body sent"
            );
            assert!(exchange.reply.contains("results"));
        }
        assert!(u.latency_ms >= out.exchanges.iter().map(|e| e.latency_ms).sum::<u64>());
    }
}

#[tokio::test]
async fn the_key_is_only_in_the_header() {
    for provider in BOTH {
        let (standin, client) = setup(provider, vec![], 1).await;
        let out = client.classify(&task(&FIVE[..1])).await.unwrap();
        let seen = &standin.seen()[0];
        let (header, expected) = match provider {
            Provider::Gemini => ("x-goog-api-key", KEY.to_string()),
            Provider::OpenAi => ("authorization", format!("Bearer {KEY}")),
        };
        assert_eq!(seen.headers[header], expected.as_str());
        assert!(!seen.uri.contains(KEY), "{}", seen.uri);
        assert!(!serde_json::to_string(&out.exchanges[0].request)
            .unwrap()
            .contains(KEY));
        assert!(!out.exchanges[0].reply.contains(KEY));
        let debug = format!("{client:?}");
        assert!(
            !debug.contains(KEY) && debug.contains("Secret(***)"),
            "{debug}"
        );
    }
}

#[tokio::test]
async fn a_wrong_key_is_refused_by_the_standin() {
    for provider in BOTH {
        let (standin, _) = setup(provider, vec![], 3).await;
        let mut settings = LlmSettings::new(provider, model(provider));
        settings.base_url = standin.base_url.clone();
        settings.api_key = Some(Secret::new("wrong".into()));
        let err = client(settings).complete("sys", "hello").await.unwrap_err();
        assert!(
            matches!(&err, LlmError::Rejected { message, .. } if message.contains("API key not valid")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn keyless_openai_compatible_server() {
    let standin = Standin::start(Provider::OpenAi, "llama3.2", None, vec![]).await;
    let mut settings = LlmSettings::new(Provider::OpenAi, "llama3.2");
    settings.base_url = standin.base_url.clone();
    let done = client(settings)
        .complete("You draft replies.", "My order is late")
        .await
        .unwrap();
    assert_eq!(done.text, "Draft reply for: My order is late");
    assert!(standin.seen()[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn complete_returns_text_usage_and_exchange() {
    for provider in BOTH {
        let (standin, client) = setup(provider, vec![], 2).await;
        let done = client
            .complete("You draft replies.", "Where is my parcel?")
            .await
            .unwrap();
        assert_eq!(done.text, "Draft reply for: Where is my parcel?");
        assert_eq!(
            done.finish_reason.as_deref(),
            Some(if provider == Provider::Gemini {
                "STOP"
            } else {
                "stop"
            })
        );
        assert_eq!(
            (
                done.usage.prompt_tokens,
                done.usage.completion_tokens,
                done.usage.attempts
            ),
            (5, 0, 1)
        );
        assert_eq!(done.exchange.request, standin.seen()[0].body);
        assert_eq!(done.exchange.status, 200);
    }
}

mod failures;
