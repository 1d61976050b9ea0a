//! Outbound webhooks against a local receiver: signatures, retries on 5xx/429/timeouts, dead
//! letters, replays, test events, a worker dying mid-send (the inbound webhook is in
//! `webhooks_inbound`).

use crate::common;
use axum::http::{HeaderMap, StatusCode};
use common::{spawn_app, TestApp};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use ticketlens::server::db::webhooks as store;
use ticketlens::server::webhooks::{Policy, Sender};

/// What the receiver answers next: a status, optionally after a delay.
type Script = Arc<Mutex<VecDeque<(u16, Duration)>>>;

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A local HTTP receiver standing in for Zapier: records every request and answers from a
/// script (200 once the script runs out).
struct Receiver {
    url: String,
    script: Script,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        let script: Script = Arc::default();
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let (s, g) = (script.clone(), got.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let (s, g) = (s.clone(), g.clone());
                async move {
                    g.lock().unwrap().push(Received {
                        headers,
                        body: body.to_vec(),
                    });
                    let (code, delay) = s
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or((200, Duration::ZERO));
                    tokio::time::sleep(delay).await;
                    let mut headers = HeaderMap::new();
                    if code == 429 {
                        headers.insert("retry-after", "0".parse().unwrap());
                    }
                    (
                        StatusCode::from_u16(code).unwrap(),
                        headers,
                        format!("answer {code}"),
                    )
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, script, got }
    }

    fn answer(&self, answers: &[(u16, Duration)]) {
        self.script.lock().unwrap().extend(answers.iter().copied());
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// Retries at once (no backoff wait), short timeout, few attempts: the real sender otherwise.
fn quick_policy() -> Policy {
    Policy {
        base: Duration::ZERO,
        timeout: Duration::from_millis(700),
        max_attempts: 4,
        ..Policy::default()
    }
}

const SECRET: &str = "whsec_0123456789abcdef";

/// Checks the signature header as a receiver would, with its own HMAC.
fn assert_signed(r: &Received) {
    let header = r.headers["ticketlens-signature"].to_str().unwrap();
    let (t, v1) = header.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    assert_eq!(r.headers["ticketlens-timestamp"].to_str().unwrap(), t);
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&r.body);
    let expected = hex::encode(mac.finalize().into_bytes());
    assert_eq!(v1.strip_prefix("v1=").unwrap(), expected, "signature");
}

async fn subscribe(app: &TestApp, url: &str, events: &[&str]) -> i64 {
    let events: Vec<String> = events.iter().map(|e| e.to_string()).collect();
    store::create(&app.pool, "receiver", url, &events, SECRET, None)
        .await
        .unwrap()
}

async fn new_ticket(app: &TestApp, token: &str, external_id: &str) -> i64 {
    let (status, t) = app
        .call_api(
            token,
            reqwest::Method::POST,
            "/tickets",
            Some(&serde_json::json!({
                "external_id": external_id, "subject": "Cannot log in", "body": "Locked out.",
                "channel": "email", "customer_email": "ann@example.com",
            })),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    t["id"].as_i64().unwrap()
}

/// Sends until nothing is due (at most `steps` rounds).
async fn drain(sender: &Sender, app: &TestApp, steps: usize) {
    for _ in 0..steps {
        if sender.step(&app.pool).await.unwrap() == 0 {
            return;
        }
    }
}

async fn delivery_state(app: &TestApp, id: &str) -> (String, i32, Option<i32>) {
    sqlx::query_as("SELECT status, attempts, last_code FROM webhook_deliveries WHERE id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn deliveries_are_signed_retried_on_transient_failures_and_keep_their_id() {
    let app = spawn_app(0).await;
    let token = app.api_token("admin@example.com").await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver.url, &["ticket.created"]).await;
    receiver.answer(&[
        (503, Duration::ZERO),
        (429, Duration::ZERO),
        (200, Duration::from_secs(2)), // longer than the timeout
        (204, Duration::ZERO),
    ]);
    let ticket = new_ticket(&app, &token, "wh-1").await;
    let sender = Sender::new(quick_policy()).unwrap();
    drain(&sender, &app, 20).await;

    let got = receiver.received();
    assert_eq!(got.len(), 4, "503, 429, timeout, then delivered");
    let ids: Vec<&str> = got
        .iter()
        .map(|r| r.headers["ticketlens-delivery"].to_str().unwrap())
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one delivery id: {ids:?}"
    );
    for r in &got {
        assert_signed(r);
        assert_eq!(r.headers["ticketlens-event"], "ticket.created");
        assert_eq!(r.headers["content-type"], "application/json");
    }
    let body: serde_json::Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["id"], ids[0]);
    assert_eq!(body["event"], "ticket.created");
    assert_eq!(body["data"]["id"], ticket);
    assert_eq!(body["data"]["customer_email"], "ann@example.com");
    assert!(
        got.iter().all(|r| r.body == got[0].body),
        "same body each time"
    );

    let (status, attempts, code) = delivery_state(&app, ids[0]).await;
    assert_eq!(
        (status.as_str(), attempts, code),
        ("delivered", 4, Some(204))
    );
    let log = store::attempts(&app.pool, ids[0]).await.unwrap();
    let codes: Vec<Option<i32>> = log.iter().map(|a| a.status_code).collect();
    assert_eq!(codes, [Some(503), Some(429), None, Some(204)]);
    assert!(
        log[2].error.as_deref().unwrap().contains("timed out"),
        "{:?}",
        log[2].error
    );
    assert_eq!(log[0].response_excerpt.as_deref(), Some("answer 503"));
    assert_eq!(log[0].request_headers["TicketLens-Delivery"], ids[0]);
}

#[tokio::test]
async fn failing_deliveries_go_dead_and_a_replay_sends_them_again_under_the_same_id() {
    let app = spawn_app(0).await;
    let token = app.api_token("admin@example.com").await;
    let receiver = Receiver::start().await;
    subscribe(&app, &receiver.url, &["ticket.created"]).await;
    receiver.answer(&[(500, Duration::ZERO); 4]);
    receiver.answer(&[(410, Duration::ZERO)]);
    new_ticket(&app, &token, "wh-dead").await;
    let sender = Sender::new(quick_policy()).unwrap();
    drain(&sender, &app, 20).await;
    let dead = store::recent(&app.pool, Some("dead"), 10).await.unwrap();
    assert_eq!(dead.len(), 1, "dead after four 500s");
    assert_eq!((dead[0].attempts, dead[0].last_code), (4, Some(500)));
    assert_eq!(receiver.received().len(), 4);

    // A replay sends it again: the receiver now answers 410 Gone, which is final at once.
    assert!(store::replay(&app.pool, &dead[0].id).await.unwrap());
    assert!(
        !store::replay(&app.pool, &dead[0].id).await.unwrap(),
        "pending: no second replay"
    );
    drain(&sender, &app, 20).await;
    assert_eq!(
        delivery_state(&app, &dead[0].id).await,
        ("dead".into(), 1, Some(410))
    );
    // Replayed once more, it is delivered, still under its id.
    assert!(store::replay(&app.pool, &dead[0].id).await.unwrap());
    drain(&sender, &app, 20).await;
    assert_eq!(
        delivery_state(&app, &dead[0].id).await,
        ("delivered".into(), 1, Some(200))
    );
    let got = receiver.received();
    assert_eq!(got.len(), 6);
    assert!(got
        .iter()
        .all(|r| r.headers["ticketlens-delivery"] == dead[0].id.as_str()));
    assert_eq!(
        store::attempts(&app.pool, &dead[0].id).await.unwrap().len(),
        6,
        "every attempt logged"
    );
}

#[tokio::test]
async fn a_worker_that_dies_mid_send_leaves_the_delivery_to_the_next_under_the_same_id() {
    let app = spawn_app(0).await;
    let token = app.api_token("admin@example.com").await;
    let receiver = Receiver::start().await;
    let sub = subscribe(&app, &receiver.url, &["ticket.created", "issue.spike"]).await;
    new_ticket(&app, &token, "wh-crash").await;
    store::fan_out(&app.pool, 100).await.unwrap();
    // The first worker claims the delivery and dies before finishing it.
    let first = store::claim_due(&app.pool, 10, Duration::from_millis(300))
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert!(
        store::claim_due(&app.pool, 10, Duration::from_secs(60))
            .await
            .unwrap()
            .is_empty(),
        "held while the lease runs"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let sender = Sender::new(quick_policy()).unwrap();
    drain(&sender, &app, 5).await;
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].headers["ticketlens-delivery"], first[0].id.as_str());
    assert_eq!(delivery_state(&app, &first[0].id).await.0, "delivered");

    // A test event goes to this subscription alone, even though it is not one of its kinds.
    let other = Receiver::start().await;
    subscribe(&app, &other.url, &["ticket.created"]).await;
    let test = store::send_test(&app.pool, sub).await.unwrap().unwrap();
    drain(&sender, &app, 5).await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].headers["ticketlens-delivery"], test.as_str());
    assert_eq!(got[1].headers["ticketlens-event"], "webhook.test");
    assert!(other.received().is_empty());
    assert_eq!(store::send_test(&app.pool, 999_999).await.unwrap(), None);
}

#[tokio::test]
async fn the_pipeline_records_each_subscribed_event_once() {
    let app = spawn_app(0).await;
    let token = app.api_token("admin@example.com").await;
    let receiver = Receiver::start().await;
    subscribe(
        &app,
        &receiver.url,
        &[
            "ticket.created",
            "ticket.analysed",
            "response.drafted",
            "escalation.created",
        ],
    )
    .await;
    let before = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM events")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(before, 0);
    for i in 0..3 {
        new_ticket(&app, &token, &format!("wh-pipe-{i}")).await;
    }
    app.run_jobs().await;
    let kinds: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, count(*) FROM events GROUP BY 1 ORDER BY 1")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let count = |k: &str| kinds.iter().find(|(n, _)| n == k).map_or(0, |(_, c)| *c);
    assert_eq!(count("ticket.created"), 3, "{kinds:?}");
    assert_eq!(count("ticket.analysed"), 3, "{kinds:?}");
    let (drafts, escalated): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM responses WHERE status = 'draft'),
                (SELECT count(*) FROM escalations)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(count("response.drafted"), drafts, "{kinds:?}");
    assert_eq!(count("escalation.created"), escalated, "{kinds:?}");
    assert_eq!(count("response.sent"), 0, "not subscribed: not recorded");
    // run_jobs sent them all through the app's own sender: one delivery each, all delivered.
    let delivered = store::recent(&app.pool, Some("delivered"), 100)
        .await
        .unwrap();
    let total: i64 = kinds.iter().map(|k| k.1).sum();
    assert_eq!(delivered.len() as i64, total);
    assert_eq!(receiver.received().len() as i64, total);
}
