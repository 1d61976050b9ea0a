//! `POST /api/v1/analyse` answers what the stored pipeline decides for the same text (sentiment,
//! escalation and its reasons, category) plus a template draft, and stores nothing.

use crate::common;
use common::spawn_app;
use serde_json::{json, Value};

#[tokio::test]
async fn ad_hoc_analysis_matches_the_pipeline_and_stores_nothing() {
    let app = spawn_app(300).await;
    app.run_jobs().await;
    let token = app.api_token("agent@example.com").await;
    let http = reqwest::Client::new();
    let analyse = |body: Value| {
        http.post(format!("{}/api/v1/analyse", app.base))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let count = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let before = (
        count("SELECT count(*) FROM tickets").await,
        count("SELECT count(*) FROM ticket_analysis").await,
        count("SELECT count(*) FROM jobs").await,
    );

    let threat = json!({
        "subject": "Chargeback and my lawyer",
        "body": "This is the third time you charged me twice. My lawyer will file a chargeback today.",
        "priority": "urgent"
    });
    let res = analyse(threat.clone()).await.unwrap();
    assert_eq!(res.status(), 200);
    let a: Value = res.json().await.unwrap();
    assert_eq!(a["sentiment"]["label"], "negative", "{a}");
    assert_eq!(a["escalation"]["escalate"], true, "{a}");
    let reasons = a["escalation"]["reasons"].as_array().unwrap();
    assert!(!reasons.is_empty());
    assert!(
        a["draft"].is_null(),
        "escalated texts get no automatic reply"
    );

    let question = json!({
        "subject": "Change my delivery address",
        "body": "Hello, could you tell me how to change the delivery address of my order? Thanks!",
        "customer_name": "Ana"
    });
    let a: Value = analyse(question.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(a["escalation"]["escalate"], false, "{a}");
    let label = a["category"]["label"]
        .as_str()
        .expect("the demo trains a category model");
    let known: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT category FROM tickets WHERE category IS NOT NULL")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(known.iter().any(|k| k == label), "{label} not in {known:?}");
    let draft = a["draft"]["body"].as_str().expect("a template draft");
    assert!(draft.contains("Ana"), "the template is filled: {draft}");

    let after = (
        count("SELECT count(*) FROM tickets").await,
        count("SELECT count(*) FROM ticket_analysis").await,
        count("SELECT count(*) FROM jobs").await,
    );
    assert_eq!(before, after, "analysis stored something");

    // The same texts as stored tickets: the pipeline decides the same.
    for (key, text) in [("t", &threat), ("q", &question)] {
        let mut ticket = text.clone();
        ticket["external_id"] = json!(key);
        ticket.as_object_mut().unwrap().remove("customer_name");
        let res = http
            .post(format!("{}/api/v1/tickets", app.base))
            .bearer_auth(&token)
            .json(&ticket)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    app.run_jobs().await;
    for (key, text) in [("t", &threat), ("q", &question)] {
        let ad_hoc: Value = analyse(text.clone()).await.unwrap().json().await.unwrap();
        let (sentiment, escalate, category): (String, Option<bool>, Option<String>) =
            sqlx::query_as(
                "SELECT a.sentiment, a.escalate, a.category FROM tickets t
                 JOIN ticket_analysis a ON a.ticket_id = t.id
                 WHERE t.source = 'api' AND t.external_id = $1",
            )
            .bind(key)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(ad_hoc["sentiment"]["label"], sentiment.as_str(), "{key}");
        assert_eq!(
            ad_hoc["escalation"]["escalate"].as_bool(),
            escalate,
            "{key}"
        );
        assert_eq!(
            ad_hoc["category"]["label"].as_str(),
            category.as_deref(),
            "{key}"
        );
    }

    let res = analyse(json!({"subject": "", "body": "  "})).await.unwrap();
    assert_eq!(res.status(), 400);
    let res = analyse(json!({"subject": "x", "body": "y", "priority": "asap"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}
