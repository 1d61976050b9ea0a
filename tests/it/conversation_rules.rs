//! Conversations in the pipeline: each follow-up is scored, the ticket's trajectory moves, and
//! the rules look at the whole conversation (sentiment drop, unanswered messages, keywords in a
//! follow-up shown on the message they came from).

use crate::common;
use crate::escalation::{activate, escalated, rule};
use common::{spawn_app, TestApp};
use serde_json::{json, Value};
use ticketlens::domain::rules::{Combine, Condition};
use ticketlens::server::db;

/// An app whose only active rule is `name` with `condition`, and an agent's API token.
async fn with_rule(name: &str, condition: Condition) -> (TestApp, String) {
    let app = spawn_app(0).await;
    activate(&app, vec![rule(1, name, Combine::Any, vec![condition])]).await;
    let token = app.api_token("agent@example.com").await;
    (app, token)
}

/// When `minutes` ago was, as the API takes times.
fn ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339()
}

/// A login ticket opened three hours ago that an agent answered two hours ago; its id.
async fn answered_login(app: &TestApp, token: &str) -> i64 {
    let (status, t) = app
        .call_api(
            token,
            reqwest::Method::POST,
            "/tickets",
            Some(&json!({"subject": "Login", "body": "I cannot log in.", "created_at": ago(180)})),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    let id = t["id"].as_i64().unwrap();
    append(
        app,
        token,
        id,
        json!({"kind": "agent", "body": "Please reset your password.", "created_at": ago(120)}),
    )
    .await;
    id
}

/// Medium-priority tickets get `next` minutes for the next response, around the clock.
async fn next_response_target(app: &TestApp, next: i32) {
    let row = db::sla::PolicyRow {
        priority: "medium".into(),
        first_response_minutes: 480,
        resolution_minutes: 2880,
        next_response_minutes: next,
        around_clock: true,
    };
    assert!(db::sla::update(&app.pool, &row).await.unwrap());
}

async fn append(app: &TestApp, token: &str, id: i64, body: Value) {
    let path = format!("/tickets/{id}/messages");
    let (status, answer) = app
        .call_api(token, reqwest::Method::POST, &path, Some(&body))
        .await;
    assert_eq!(status, 201, "{answer}");
}

async fn create(app: &TestApp, token: &str, body: &str) -> i64 {
    let (status, t) = app
        .call_api(
            token,
            reqwest::Method::POST,
            "/tickets",
            Some(&json!({"subject": "Question", "body": body})),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    t["id"].as_i64().unwrap()
}

/// (first, latest, lowest, customer messages) as stored.
async fn trajectory(app: &TestApp, id: i64) -> (f32, f32, f32, i32) {
    sqlx::query_as(
        "SELECT sentiment_score, latest_score, lowest_score, customer_messages
         FROM ticket_analysis WHERE ticket_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_follow_up_that_turns_sour_escalates_through_the_drop_rule() {
    let (app, token) = with_rule("Souring", Condition::SentimentDrop { by: 0.8 }).await;
    let id = create(
        &app,
        &token,
        "Thanks, I love the new speaker, great sound! One quick question about pairing.",
    )
    .await;
    app.run_jobs().await;
    assert_eq!(
        escalated(&app, id).await,
        None,
        "a happy opening does not escalate"
    );
    let (first, latest, lowest, n) = trajectory(&app, id).await;
    assert_eq!((latest, lowest, n), (first, first, 1));

    append(&app, &token, id, json!({"body": "This is terrible. It broke again, worst product ever, I hate it and I am furious."})).await;
    app.run_jobs().await;
    let (first2, latest, lowest, n) = trajectory(&app, id).await;
    assert_eq!((first2, n), (first, 2));
    assert!(
        first - latest >= 0.8 && lowest == latest,
        "{first} -> {latest}"
    );
    assert_eq!(escalated(&app, id).await, Some(("souring".into(), 2)));
    let reasons: Value = sqlx::query_scalar("SELECT reasons FROM escalations WHERE ticket_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let detail = reasons[0]["reasons"][0]["detail"].as_str().unwrap();
    assert!(detail.starts_with("sentiment fell from +"), "{detail}");
    // The thread shows each customer message's score, the API too.
    let thread = db::messages::thread(&app.pool, id).await.unwrap();
    let scores: Vec<Option<f32>> = thread.iter().map(|m| m.score).collect();
    assert_eq!(scores, [Some(first), Some(latest)]);
}

#[tokio::test]
async fn unanswered_messages_count_since_the_last_agent_reply() {
    let (app, token) = with_rule("Ignored", Condition::Unanswered { messages: 3 }).await;
    let id = create(&app, &token, "My invoice shows the wrong address.").await;
    append(
        &app,
        &token,
        id,
        json!({"body": "Can someone look at the invoice?"}),
    )
    .await;
    append(
        &app,
        &token,
        id,
        json!({"kind": "agent", "body": "Looking into it."}),
    )
    .await;
    append(
        &app,
        &token,
        id,
        json!({"body": "Thanks, any news on the invoice?"}),
    )
    .await;
    append(
        &app,
        &token,
        id,
        json!({"body": "Hello? The invoice is still wrong."}),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(
        escalated(&app, id).await,
        None,
        "two since the agent's reply"
    );
    append(
        &app,
        &token,
        id,
        json!({"body": "Third time asking about the invoice."}),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(escalated(&app, id).await, Some(("ignored".into(), 2)));
}

#[tokio::test]
async fn a_keyword_in_a_follow_up_escalates_and_is_marked_on_that_message() {
    let (app, token) = with_rule(
        "Legal",
        Condition::Keywords {
            terms: vec!["lawyer".into()],
        },
    )
    .await;
    let id = create(&app, &token, "The parcel is late.").await;
    app.run_jobs().await;
    assert_eq!(escalated(&app, id).await, None);
    append(
        &app,
        &token,
        id,
        json!({"body": "Still late. My lawyer will call you."}),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(escalated(&app, id).await, Some(("legal".into(), 2)));
    let detail = db::ticket_detail::load(&app.pool, id, 0)
        .await
        .unwrap()
        .unwrap();
    let follow_up = &detail.thread[1];
    assert_eq!(follow_up.spans.len(), 1, "{follow_up:?}");
    let s = follow_up.spans[0];
    assert_eq!(&follow_up.body[s.start..s.end], "lawyer");
    assert!(detail.thread[0].spans.is_empty());
    let t = detail.trajectory.unwrap();
    assert_eq!(t.messages, 2);

    // The Ticket page shows the thread with a chip per customer message and the trajectory.
    let agent = app.login("agent@example.com").await;
    let (status, html) = app.get_html(&agent, &format!("/tickets/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches("data-testid=\"message-sentiment\"").count(),
        2,
        "{html}"
    );
    assert!(
        html.contains("<mark>lawyer</mark>") && html.contains("data-testid=\"trajectory-chart\"")
    );
}

#[tokio::test]
async fn a_follow_up_left_unanswered_past_the_next_response_target_escalates() {
    let (app, token) = with_rule("Waiting", Condition::NextResponseRisk { percent: 100 }).await;
    next_response_target(&app, 60).await;
    let id = answered_login(&app, &token).await;
    app.run_jobs().await;
    assert_eq!(
        escalated(&app, id).await,
        None,
        "the agent had the last word"
    );
    let answered: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT first_response_at FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let lag = chrono::Utc::now() - answered.expect("the agent's message is the first response");
    assert!(
        lag >= chrono::Duration::minutes(119),
        "at the message's time: {lag}"
    );
    append(
        &app,
        &token,
        id,
        json!({"body": "The reset link never arrived.", "created_at": ago(90)}),
    )
    .await;
    app.run_jobs().await;
    assert_eq!(escalated(&app, id).await, Some(("waiting".into(), 2)));
    let reasons: Value = sqlx::query_scalar("SELECT reasons FROM escalations WHERE ticket_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let detail = reasons[0]["reasons"][0]["detail"].as_str().unwrap();
    let (used, rest) = detail.split_once('%').unwrap();
    assert!(used.parse::<u32>().unwrap() >= 150, "{detail}");
    assert_eq!(rest, " of the next-response target used");
}

#[tokio::test]
async fn the_clock_sweep_escalates_a_waiting_customer_once_the_target_is_used() {
    let (app, token) = with_rule("Waiting", Condition::NextResponseRisk { percent: 100 }).await;
    let mut ids = Vec::new();
    for status in ["open", "resolved"] {
        let id = answered_login(&app, &token).await;
        append(
            &app,
            &token,
            id,
            json!({"body": "The reset link never arrived.", "created_at": ago(30)}),
        )
        .await;
        sqlx::query("UPDATE tickets SET status = $2 WHERE id = $1")
            .bind(id)
            .bind(status)
            .execute(&app.pool)
            .await
            .unwrap();
        ids.push(id);
    }
    app.run_jobs().await;
    let mut cursor = 0;
    ticketlens::server::jobs::clocks::sweep(&app.jobs, &mut cursor)
        .await
        .unwrap();
    assert_eq!(
        escalated(&app, ids[0]).await,
        None,
        "30 minutes of the default 8-hour next-response target"
    );
    // The clock runs on (here: the target drops to 20 minutes): the sweep sees it.
    next_response_target(&app, 20).await;
    let checked = ticketlens::server::jobs::clocks::sweep(&app.jobs, &mut cursor)
        .await
        .unwrap();
    assert_eq!(checked, 1, "the open ticket only");
    assert_eq!(escalated(&app, ids[0]).await, Some(("waiting".into(), 2)));
    assert_eq!(
        escalated(&app, ids[1]).await,
        None,
        "resolved: nobody waits"
    );
}
