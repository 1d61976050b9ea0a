//! Conversations: the migration turns every stored ticket into its thread, the TicketLens layout
//! carries later messages, and the REST API and the inbound webhook append to a thread once.

use crate::common;
use common::{spawn_app, TestApp};
use serde_json::{json, Value};
use ticketlens::domain::import::NewTicket;
use ticketlens::domain::{Channel, Priority, Status};
use ticketlens::server::db::{self, ticket_writer::TicketWriter};
use ticketlens::server::import::{formats::Format, ImportOptions};

fn new_ticket(n: usize, reply: Option<&str>) -> NewTicket {
    let created = chrono::Utc::now() - chrono::Duration::hours(10);
    NewTicket {
        external_id: format!("M-{n}"),
        subject: format!("Subject {n}"),
        body: format!("Body of ticket {n}\twith a tab and a \"quote\""),
        customer_ref: None,
        customer_name: None,
        customer_email: None,
        product: None,
        product_line: None,
        channel: Channel::Email,
        priority: Priority::Medium,
        status: if reply.is_some() {
            Status::Resolved
        } else {
            Status::Open
        },
        category: None,
        language: None,
        created_at: created,
        first_response_at: reply.map(|_| created + chrono::Duration::hours(1)),
        resolved_at: reply.map(|_| created + chrono::Duration::hours(2)),
        csat: None,
        agent_reply: reply.map(str::to_string),
        agent: None,
        sentiment: None,
        escalate: None,
    }
}

#[tokio::test]
async fn the_migration_turns_each_ticket_and_reply_into_its_thread() {
    let url = common::empty_database().await;
    let pool = db::connect(&url, 2).await.unwrap();
    let (before, after): (Vec<_>, Vec<_>) = db::MIGRATOR.iter().partition(|m| m.version < 27);
    for m in &before {
        sqlx::raw_sql(&m.sql).execute(&pool).await.unwrap();
    }
    let tickets: Vec<NewTicket> = (0..50)
        .map(|n| new_ticket(n, (n % 3 == 0).then_some("We fixed it.\nRegards")))
        .collect();
    // The columns of that schema (the writer of today writes later ones too).
    for t in &tickets {
        sqlx::query(
            "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status,
                                  created_at, first_response_at, resolved_at, agent_reply)
             VALUES ('old', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&t.external_id)
        .bind(&t.subject)
        .bind(&t.body)
        .bind(t.channel.as_str())
        .bind(t.priority.as_str())
        .bind(t.status.as_str())
        .bind(t.created_at)
        .bind(t.first_response_at)
        .bind(t.resolved_at)
        .bind(&t.agent_reply)
        .execute(&pool)
        .await
        .unwrap();
    }
    type Old = (
        i64,
        String,
        String,
        Option<String>,
        chrono::DateTime<chrono::Utc>,
    );
    let old: Vec<Old> = sqlx::query_as(
        "SELECT id, channel, body, agent_reply, created_at FROM tickets ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(old.len(), 50);

    for m in &after {
        sqlx::raw_sql(&m.sql).execute(&pool).await.unwrap();
    }
    for (id, channel, body, reply, created) in &old {
        let thread = db::messages::thread(&pool, *id).await.unwrap();
        let expected = 1 + usize::from(reply.is_some());
        assert_eq!(thread.len(), expected, "ticket {id}: {thread:?}");
        let opening = &thread[0];
        assert!(opening.opening && opening.kind == "customer");
        assert_eq!(
            (&opening.body, &opening.channel, &opening.created_at),
            (body, channel, created)
        );
        if let Some(reply) = reply {
            assert_eq!((thread[1].kind.as_str(), &thread[1].body), ("agent", reply));
        }
    }
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM messages")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        total,
        50 + 17,
        "one message per ticket and per reply, nothing else"
    );
    // A ticket stored after the migration opens its thread the same way.
    let mut conn = pool.acquire().await.unwrap();
    let late = new_ticket(99, Some("Done."));
    TicketWriter::new("new")
        .write(&mut conn, &[late])
        .await
        .unwrap();
    let id = db::tickets::id_by_external(&mut *conn, "new", "M-99")
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<String> = db::messages::thread(&pool, id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.kind)
        .collect();
    assert_eq!(kinds, ["customer", "agent"]);
}

#[tokio::test]
async fn the_ticketlens_layout_carries_later_messages_and_reimports_add_none() {
    let pool = common::fresh_pool().await;
    let csv = "external_id,created_at,subject,body,channel,priority,status,message_kind,message_author,message_id\n\
        T-1,2026-03-01T10:00:00Z,Router,My router drops,email,high,open,,,\n\
        T-1,2026-03-01T12:00:00Z,,Still dropping!,,,,customer,,\n\
        T-1,2026-03-01T11:00:00Z,,Please restart it.,chat,,,agent,Ana,r-1\n\
        T-9,2026-03-01T12:00:00Z,,Who am I?,,,,customer,,\n\
        T-1,2026-03-01T13:00:00Z,,,,,,customer,,\n\
        T-1,2026-03-01T09:00:00Z,,Early\0 bird,,,,customer,,e-1\n";
    let opts = ImportOptions {
        file_name: "threads.csv".into(),
        layout: Format::Ticketlens.into(),
        source: None,
        user_id: None,
        upload_id: None,
    };
    let run = || ticketlens::server::jobs::import::run(&pool, csv.as_bytes(), opts.clone());
    let r = run().await.unwrap();
    assert_eq!((r.inserted, r.messages, r.skipped), (1, 3, 2), "{r:#?}");
    let lines: Vec<u64> = r.errors.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [6, 5], "{:?}", r.errors);
    assert!(
        r.errors[1].1.contains("neither in this file"),
        "{:?}",
        r.errors
    );
    let id = db::tickets::id_by_external(&pool, "ticketlens", "T-1")
        .await
        .unwrap()
        .unwrap();
    let thread = db::messages::thread(&pool, id).await.unwrap();
    let seen: Vec<(&str, Option<&str>, &str)> = thread
        .iter()
        .map(|m| (m.kind.as_str(), m.author.as_deref(), m.channel.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("customer", None, "email"),
            ("customer", None, "email"),
            ("agent", Some("Ana"), "chat"),
            ("customer", None, "email")
        ]
    );
    // Dated before its ticket: kept at the ticket's time; its NUL dropped.
    assert_eq!(thread[1].body, "Early bird");
    assert_eq!(thread[1].created_at, thread[0].created_at);
    let again = run().await.unwrap();
    assert_eq!(
        (again.inserted, again.messages, again.duplicates),
        (0, 0, 4),
        "{again:#?}"
    );
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    app.call_api(token, reqwest::Method::POST, path, Some(&body))
        .await
}

#[tokio::test]
async fn the_api_appends_once_and_refuses_unknown_tickets_with_the_reason() {
    let app = spawn_app(0).await;
    let token = app.api_token("agent@example.com").await;
    let (status, ticket) = post(
        &app,
        &token,
        "/tickets",
        json!({"subject": "Broken", "body": "My order arrived broken."}),
    )
    .await;
    assert_eq!(status, 201, "{ticket}");
    let id = ticket["id"].as_i64().unwrap();
    let path = format!("/tickets/{id}/messages");
    let message =
        json!({"external_id": "f-1", "body": "Any news? Still waiting.", "author": "Ann"});
    let (status, first) = post(&app, &token, &path, message.clone()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["message"]["kind"], "customer");
    let (status, again) = post(&app, &token, &path, message).await;
    assert_eq!(status, 200, "a retry is the same message: {again}");
    assert_eq!(again["message"]["id"], first["message"]["id"]);
    let (status, note) = post(
        &app,
        &token,
        &path,
        json!({"kind": "note", "body": "Called her."}),
    )
    .await;
    assert_eq!(
        (status, note["message"]["kind"].as_str()),
        (201, Some("note"))
    );

    let (status, thread) = app
        .call_api(&token, reqwest::Method::GET, &path, None)
        .await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = thread
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["customer", "customer", "note"], "{thread}");
    assert_eq!(thread[1]["author"], "Ann");

    let (status, missing) = post(
        &app,
        &token,
        "/tickets/999999/messages",
        json!({"body": "hi"}),
    )
    .await;
    assert_eq!(status, 404);
    let reason = missing["error"]["message"].as_str().unwrap();
    assert!(
        reason.contains("999999") && reason.contains("nothing was appended"),
        "{reason}"
    );
    let (status, bad) = post(&app, &token, &path, json!({"kind": "robot", "body": "x"})).await;
    assert_eq!(status, 400, "{bad}");
    let (status, empty) = post(&app, &token, &path, json!({"body": "  "})).await;
    assert_eq!(status, 400, "{empty}");
    for blank in ["", "  "] {
        let (status, no_id) = post(
            &app,
            &token,
            &path,
            json!({"external_id": blank, "body": "x"}),
        )
        .await;
        assert_eq!(
            status, 400,
            "a blank id is refused, not read as none: {no_id}"
        );
    }
    let ahead = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let (status, future) = post(
        &app,
        &token,
        &path,
        json!({"body": "x", "created_at": ahead}),
    )
    .await;
    assert_eq!(status, 400, "{future}");

    // Resolved at a known time: a message dated before it (old mail synced late) reopens
    // nothing; one after it does.
    let resolved = chrono::Utc::now() - chrono::Duration::hours(1);
    sqlx::query(
        "UPDATE tickets SET status = 'resolved', resolved_at = $2,
                            created_at = $2 - interval '2 hours' WHERE id = $1",
    )
    .bind(id)
    .bind(resolved)
    .execute(&app.pool)
    .await
    .unwrap();
    let before = (resolved - chrono::Duration::minutes(5)).to_rfc3339();
    let (status, late) = post(
        &app,
        &token,
        &path,
        json!({"body": "old", "created_at": before}),
    )
    .await;
    assert_eq!(
        (status, late["reopened"].as_bool()),
        (201, Some(false)),
        "{late}"
    );
    let (status, fresh) = post(&app, &token, &path, json!({"body": "It broke again."})).await;
    assert_eq!(
        (status, fresh["reopened"].as_bool()),
        (201, Some(true)),
        "{fresh}"
    );

    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let op = &doc["paths"]["/api/v1/tickets/{id}/messages"];
    assert!(
        op["post"]["responses"]["404"].is_object() && op["get"].is_object(),
        "{op}"
    );
}

#[tokio::test]
async fn the_inbound_webhook_appends_replies_to_their_thread() {
    let app = spawn_app(0).await;
    assert!(
        db::webhooks::create_inbound(&app.pool, "mail", "whsec_thread_secret_01", None)
            .await
            .unwrap()
    );
    let token = app.api_token("agent@example.com").await;
    let send = |body: Value| {
        reqwest::Client::new()
            .post(format!("{}/hooks/inbound/mail", app.base))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let res =
        send(json!({"subject": "Refund", "text": "Where is my refund?", "message_id": "<a@x>"}))
            .await
            .unwrap();
    assert_eq!(res.status(), 201);
    let opened: Value = res.json().await.unwrap();
    let ticket = opened["ticket_id"].as_i64().unwrap();

    let reply = json!({"text": "Hello?? Still no refund.", "message_id": "<b@x>", "in_reply_to": "<a@x>",
                       "from": "Ann Lee <ann@example.com>"});
    let res = send(reply.clone()).await.unwrap();
    assert_eq!(res.status(), 201);
    let first: Value = res.json().await.unwrap();
    assert_eq!(first["ticket_id"], ticket);
    let res = send(reply).await.unwrap();
    assert_eq!(res.status(), 200, "a retried delivery is stored once");
    // A reply to the reply finds the thread through the message's id.
    let res = send(json!({"text": "Ok thanks", "message_id": "<c@x>", "in_reply_to": "<b@x>"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let thread = db::messages::thread(&app.pool, ticket).await.unwrap();
    let authors: Vec<Option<&str>> = thread.iter().map(|m| m.author.as_deref()).collect();
    assert_eq!(authors, [None, Some("Ann Lee"), None]);

    let res = send(json!({"text": "lost", "in_reply_to": "<nobody@x>"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    let reason = body["error"]["message"].as_str().unwrap();
    assert!(
        reason.contains("<nobody@x>") && reason.contains("nothing was appended"),
        "{reason}"
    );
}
