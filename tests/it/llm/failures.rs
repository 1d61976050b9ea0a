//! Retries, rejections, malformed replies, timeouts and unreachable servers.

use super::*;

#[tokio::test]
async fn rate_limit_honours_retry_after_then_succeeds() {
    for provider in BOTH {
        let script = vec![
            Step::Fail(429, "Resource has been exhausted", Some("1")),
            Step::Answer,
        ];
        let (standin, client) = setup(provider, script, 3).await;
        let out = client.classify(&task(&FIVE[..2])).await.unwrap();
        assert_eq!(out.results.len(), 2);
        assert_eq!((out.usage.requests, out.usage.attempts), (1, 2));
        let statuses: Vec<u16> = out.exchanges.iter().map(|e| e.status).collect();
        assert_eq!(statuses, [429, 200]);
        let seen = standin.seen();
        let gap = seen[1].at - seen[0].at;
        // The backoff alone would wait at most 5 ms; the server asked for a second.
        assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
    }
}

#[tokio::test]
async fn rate_limit_until_attempts_run_out() {
    let script = vec![Step::Fail(429, "slow down", Some("0")); 2];
    let (standin, client) = setup(Provider::OpenAi, script, 2).await;
    let err = client.classify(&task(&FIVE[..1])).await.unwrap_err();
    assert!(
        matches!(&err, LlmError::RateLimited { attempts: 2, message } if message == "slow down"),
        "{err}"
    );
    assert_eq!(standin.seen().len(), 2);
}

#[tokio::test]
async fn unavailable_twice_then_succeeds() {
    for provider in BOTH {
        let script = vec![
            Step::Fail(503, "overloaded", None),
            Step::Fail(503, "overloaded", None),
            Step::Answer,
        ];
        let (standin, client) = setup(provider, script, 3).await;
        let out = client.classify(&task(&FIVE[..2])).await.unwrap();
        assert_eq!(out.results[0].label, "positive");
        assert_eq!((out.usage.requests, out.usage.attempts), (1, 3));
        assert_eq!(standin.seen().len(), 3);
    }
}

#[tokio::test]
async fn server_errors_until_attempts_run_out() {
    for provider in BOTH {
        let script = vec![Step::Fail(500, "internal error", None); 3];
        let (standin, client) = setup(provider, script, 3).await;
        let err = client.classify(&task(&FIVE[..2])).await.unwrap_err();
        assert!(
            matches!(
                err,
                LlmError::Server {
                    status: 500,
                    attempts: 3,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("HTTP 500"), "{err}");
        assert!(err.to_string().contains("internal error"), "{err}");
        assert_eq!(standin.seen().len(), 3);
    }
}

#[tokio::test]
async fn bad_request_is_rejected_at_once_with_the_provider_message() {
    for provider in BOTH {
        let message = "Invalid value at 'generation_config.temperature'";
        let (standin, client) = setup(provider, vec![Step::Fail(400, message, None)], 4).await;
        let err = client.classify(&task(&FIVE[..2])).await.unwrap_err();
        match &err {
            LlmError::Rejected {
                status: 400,
                message: got,
            } => assert!(got.contains(message), "{got}"),
            other => panic!("expected Rejected, got {other:?}"),
        }
        assert_eq!(standin.seen().len(), 1, "a 400 is not retried");
    }
}

#[tokio::test]
async fn malformed_replies_fail_after_one_more_try() {
    let bad = [
        Step::Text("Sure! Ticket t1 is positive and t2 is negative.".into()),
        Step::DropFirst,
        Step::WrongLabel,
    ];
    for provider in BOTH {
        for step in &bad {
            let (standin, client) = setup(provider, vec![step.clone(), step.clone()], 3).await;
            let err = client.classify(&task(&FIVE[..2])).await.unwrap_err();
            assert!(matches!(err, LlmError::Malformed { .. }), "{step:?}: {err}");
            assert_eq!(standin.seen().len(), 2, "{step:?}: asked exactly twice");
        }
    }
}

#[tokio::test]
async fn a_malformed_reply_is_asked_again_and_both_exchanges_kept() {
    for provider in BOTH {
        let (standin, client) = setup(provider, vec![Step::WrongLabel, Step::Answer], 3).await;
        let out = client.classify(&task(&FIVE[..2])).await.unwrap();
        assert_eq!(out.results.len(), 2);
        assert_eq!((out.usage.requests, out.usage.attempts), (2, 2));
        assert!(out.exchanges[0].reply.contains("furious"));
        assert_eq!(out.usage.prompt_tokens, 50, "both replies are billed");
        assert_eq!(standin.seen().len(), 2);
    }
}

#[tokio::test]
async fn slow_servers_time_out() {
    for provider in BOTH {
        let slow = Step::Sleep(Duration::from_millis(800));
        let (standin, client) = setup(provider, vec![slow.clone(), slow], 2).await;
        let mut settings = client.settings().clone();
        settings.timeout = Duration::from_millis(150);
        let client = super::client(settings);
        let started = Instant::now();
        let err = client.classify(&task(&FIVE[..2])).await.unwrap_err();
        assert!(
            matches!(
                err,
                LlmError::Timeout {
                    attempts: 2,
                    timeout_ms: 150
                }
            ),
            "{err}"
        );
        assert!(
            started.elapsed() < Duration::from_millis(700),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(standin.seen().len(), 2);
    }
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let (_standin, client) = setup(
        Provider::Gemini,
        vec![Step::Sleep(Duration::from_millis(800))],
        2,
    )
    .await;
    let mut settings = client.settings().clone();
    settings.timeout = Duration::from_millis(150);
    let out = super::client(settings)
        .classify(&task(&FIVE[..2]))
        .await
        .unwrap();
    assert_eq!((out.usage.attempts, out.exchanges.len()), (2, 1));
    assert!(
        out.usage.latency_ms >= 150,
        "the timed-out attempt counts: {}",
        out.usage.latency_ms
    );
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut settings = LlmSettings::new(Provider::OpenAi, "m");
    settings.base_url = format!("http://{addr}/v1");
    settings.max_attempts = 2;
    let err = client(settings).complete("s", "u").await.unwrap_err();
    assert!(
        matches!(err, LlmError::Transport { attempts: 2, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn empty_task_sends_nothing() {
    let (standin, client) = setup(Provider::Gemini, vec![], 2).await;
    let out = client.classify(&task(&[])).await.unwrap();
    assert!(out.results.is_empty() && out.exchanges.is_empty());
    assert_eq!(out.usage.requests, 0);
    assert!(standin.seen().is_empty());
}
