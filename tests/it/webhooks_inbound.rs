//! The inbound webhook: signed JSON from Zapier or an e-mail parser becomes one ticket, however
//! often the sender retries; a bad signature, an unknown source or a bad body is refused.

use crate::common;
use common::{spawn_app, TestApp};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use ticketlens::server::db::webhooks as store;

/// Posts `body` to the inbound webhook of `source` with extra headers.
async fn post_inbound(
    app: &TestApp,
    source: &str,
    body: &str,
    headers: &[(&str, String)],
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/hooks/inbound/{source}", app.base))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, v);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn inbound_tickets_are_authenticated_mapped_and_created_once() {
    let app = spawn_app(0).await;
    let secret = "whsec_inbound_secret_0001";
    assert!(store::create_inbound(&app.pool, "mailparser", secret, None)
        .await
        .unwrap());
    let body = r#"{"Subject": "Refund <script>alert(1)</script>", "stripped-text": "Charged twice.",
                   "From": "Ann Lee <ann@example.com>", "Message-Id": "m-1", "priority": "high"}"#;
    let now = chrono::Utc::now().timestamp();
    let signed = [("TicketLens-Signature", signature(secret, now, body))];

    let (status, first) = post_inbound(&app, "mailparser", body, &signed).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["created"], true);
    let (status, again) = post_inbound(&app, "mailparser", body, &signed).await;
    assert_eq!(
        status, 200,
        "a retried delivery is the same ticket: {again}"
    );
    assert_eq!(again["ticket_id"], first["ticket_id"]);
    let row: (String, String, String, String, String, Option<String>) = sqlx::query_as(
        "SELECT t.source, t.subject, t.body, t.channel, t.priority, c.email
         FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id WHERE t.id = $1",
    )
    .bind(first["ticket_id"].as_i64().unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row.0, "mailparser");
    assert_eq!(
        row.1, "Refund <script>alert(1)</script>",
        "stored as sent, escaped on display"
    );
    assert_eq!(
        (row.2.as_str(), row.3.as_str(), row.4.as_str()),
        ("Charged twice.", "email", "high")
    );
    assert_eq!(row.5.as_deref(), Some("ann@example.com"));
    let queued: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'analyse_ticket' AND payload->>'ticket_id' = $1",
    )
    .bind(first["ticket_id"].to_string())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(queued, 1, "analysis queued once");

    // Without an id, the Idempotency-Key makes retries safe.
    let keyed = r#"{"title": "Login fails", "body": "Locked out"}"#;
    let headers = [
        ("TicketLens-Signature", signature(secret, now, keyed)),
        ("Idempotency-Key", "zap-77".to_string()),
    ];
    let (s1, a) = post_inbound(&app, "mailparser", keyed, &headers).await;
    let (s2, b) = post_inbound(&app, "mailparser", keyed, &headers).await;
    assert_eq!((s1, s2), (201, 200));
    assert_eq!(a["ticket_id"], b["ticket_id"]);
    assert_eq!(a["external_id"], "zap-77");

    // An API token allowed to create tickets works instead of a signature.
    let token = app.api_token("agent@example.com").await;
    let (status, t) = post_inbound(
        &app,
        "mailparser",
        r#"{"subject": "Via token"}"#,
        &[("Authorization", format!("Bearer {token}"))],
    )
    .await;
    assert_eq!(status, 201, "{t}");

    // Refusals, each in the API's error shape.
    for (source, body, headers, want, code) in [
        ("mailparser", body, vec![], 401, "unauthenticated"),
        (
            "mailparser",
            body,
            vec![(
                "TicketLens-Signature",
                signature("wrong-secret-000000", now, body),
            )],
            401,
            "unauthenticated",
        ),
        (
            "mailparser",
            body,
            vec![("TicketLens-Signature", signature(secret, now - 3600, body))],
            401,
            "unauthenticated",
        ),
        (
            "mailparser",
            body,
            vec![("Authorization", "Bearer tl_unknown".to_string())],
            401,
            "unauthenticated",
        ),
        (
            "nosuch",
            body,
            vec![("TicketLens-Signature", signature(secret, now, body))],
            404,
            "not_found",
        ),
        (
            "mailparser",
            "[1, 2]",
            vec![("TicketLens-Signature", signature(secret, now, "[1, 2]"))],
            400,
            "invalid",
        ),
        (
            "mailparser",
            "{not json",
            vec![("TicketLens-Signature", signature(secret, now, "{not json"))],
            400,
            "invalid",
        ),
        (
            "mailparser",
            r#"{"subject": "x", "channel": "fax"}"#,
            vec![(
                "TicketLens-Signature",
                signature(secret, now, r#"{"subject": "x", "channel": "fax"}"#),
            )],
            400,
            "invalid",
        ),
    ] {
        let (status, err) = post_inbound(&app, source, body, &headers).await;
        assert_eq!(status, want, "{source} {body}: {err}");
        assert_eq!(err["error"]["code"], code, "{err}");
        assert!(err["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    let tickets: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tickets, 3, "refused requests created nothing");
}
