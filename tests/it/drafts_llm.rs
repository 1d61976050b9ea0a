//! LLM reply drafts against a local OpenAI-compatible stand-in: the versioned prompt carries the
//! ticket, the customer's history, similar resolved replies and the template; the sources are
//! stored; a failing provider is retried, then the draft falls back to retrieval and says why.

use crate::{common, standin};
use common::{spawn_app_with, TestApp};
use standin::{Standin, Step};
use std::time::Duration;
use ticketlens::server::llm::{LlmSettings, Provider};

const MODEL: &str = "llama-test";

fn llm(base_url: &str) -> LlmSettings {
    let mut s = LlmSettings::new(Provider::OpenAi, MODEL);
    s.base_url = base_url.to_string();
    s.max_attempts = 2;
    s.timeout = Duration::from_secs(5);
    s
}

async fn ticket(
    app: &TestApp,
    customer: i64,
    subject: &str,
    body: &str,
    reply: Option<&str>,
) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, customer_id, subject, body, channel, priority,
                              status, agent_reply, csat, created_at)
         VALUES ('test', gen_random_uuid()::text, $1, $2, $3, 'email', 'low',
                 CASE WHEN $4::text IS NULL THEN 'open' ELSE 'resolved' END, $4,
                 CASE WHEN $4::text IS NULL THEN NULL ELSE 4 END, now() - interval '1 day')
         RETURNING id",
    )
    .bind(customer)
    .bind(subject)
    .bind(body)
    .bind(reply)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn draft(app: &TestApp, ticket_id: i64) -> serde_json::Value {
    let agent = app.login("agent@example.com").await;
    let res = agent
        .post(format!("{}/api/drafts/assist", app.base))
        .form(&[
            ("ticket_id", ticket_id.to_string().as_str()),
            ("same_product", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json::<serde_json::Value>().await.unwrap()["draft"].clone()
}

#[tokio::test]
async fn llm_drafts_use_the_prompt_context_and_fall_back_when_the_provider_fails() {
    let standin = Standin::start(
        Provider::OpenAi,
        MODEL,
        None,
        vec![
            Step::Text("Hi Ana, your refund is on its way. Sam".into()),
            Step::Fail(500, "model crashed", None),
            Step::Fail(503, "overloaded", None),
        ],
    )
    .await;
    let app = spawn_app_with(0, |s| s.llm = Some(llm(&standin.base_url))).await;
    let admin = app.login("admin@example.com").await;
    let (status, _) = app
        .post_form(&admin, "/api/drafts/method", &[("method", "llm")])
        .await;
    assert_eq!(status, 302);

    let ana: i64 = sqlx::query_scalar(
        "INSERT INTO customers (source, external_ref, name) VALUES ('test', 'ana', 'Ana Lima') RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let resolved = ticket(
        &app,
        ana,
        "Refund for my returned headphones",
        "I returned the headphones, when do I get my refund?",
        Some(
            "Hello Ana, the refund for your returned headphones was issued and arrives in 5 days.",
        ),
    )
    .await;
    let open = ticket(
        &app,
        ana,
        "Still no refund for the headphones",
        "I returned my headphones two weeks ago and the refund has not arrived.",
        None,
    )
    .await;
    app.run_jobs().await;

    let d = draft(&app, open).await;
    assert_eq!(d["method"], "llm");
    assert_eq!(d["version"], format!("prompt v2 · openai:{MODEL}"));
    assert_eq!(d["body"], "Hi Ana, your refund is on its way. Sam");
    let kinds: Vec<&str> = d["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["prompt", "template", "ticket"]);
    assert_eq!(d["sources"][2]["id"], resolved);

    // What the model was given: the ticket, the history, the similar reply and the template.
    let seen = standin.seen();
    assert_eq!(seen.len(), 1);
    let sent = seen[0].body.to_string();
    for part in [
        "I returned my headphones two weeks ago",
        "[resolved] Refund for my returned headphones",
        "the refund for your returned headphones was issued",
        "We have logged it as ticket #",
        "Ticket #",
        "Sign as The support team",
    ] {
        assert!(sent.contains(part), "{part:?} missing from {sent}");
    }

    // The provider now fails twice (both attempts): the draft falls back to retrieval and says why.
    // (Another customer: a third ticket from Ana within a week would escalate as a repeat contact.)
    let bo: i64 = sqlx::query_scalar(
        "INSERT INTO customers (source, external_ref, name) VALUES ('test', 'bo', 'Bo Berg') RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let second = ticket(
        &app,
        bo,
        "Refund for headphones missing",
        "Where is the refund for the headphones I sent back?",
        None,
    )
    .await;
    app.run_jobs().await;
    assert_eq!(standin.seen().len(), 3, "one call and one retry");
    let d = draft(&app, second).await;
    assert_eq!(d["method"], "retrieval");
    let why = d["fallback"].as_str().unwrap();
    assert!(why.starts_with("The LLM draft failed"), "{why}");
    assert!(why.contains("503"), "{why}");

    // An agent asks for a new draft: signed with their name, by the LLM again.
    let agent = app.login("agent@example.com").await;
    let (status, location) = app
        .post_form(
            &agent,
            "/api/drafts/redraft",
            &[("ticket_id", &second.to_string())],
        )
        .await;
    assert_eq!(status, 302, "{location}");
    let d = draft(&app, second).await;
    assert_eq!(d["method"], "llm");
    assert!(standin.seen()[3]
        .body
        .to_string()
        .contains("Sign as Alex Agent"));
}
