//! The LLM engine end to end against a local Gemini stand-in: evaluation runs record tokens and the prompt version, and a failing provider falls back to the offline engine without losing a ticket.

use crate::{common, standin};
use common::spawn_app_with;
use standin::{Standin, Step};
use std::time::Duration;
use ticketlens::server::config::Secret;
use ticketlens::server::db;
use ticketlens::server::llm::{LlmSettings, Provider};

const KEY: &str = "test-key-123";

fn llm(base_url: &str) -> LlmSettings {
    let mut s = LlmSettings::new(Provider::Gemini, "gemini-test");
    s.base_url = base_url.to_string();
    s.api_key = Some(Secret::new(KEY.into()));
    s.max_attempts = 2;
    s.timeout = Duration::from_secs(5);
    s
}

async fn gold_set(pool: &sqlx::PgPool) -> i64 {
    let set_id = db::labelled::ensure(pool, "gold", "csv", None)
        .await
        .unwrap();
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    for i in 0..10 {
        texts.push(format!("Thanks, great help with order {i}!"));
        labels.push("positive");
        texts.push(format!("My order {i} arrived broken, I want a refund."));
        labels.push("negative");
        texts.push(format!("Where can I find the manual for model {i}?"));
        labels.push("neutral");
    }
    db::labelled::add_items(pool, set_id, &texts, &labels, None)
        .await
        .unwrap();
    set_id
}

/// Makes the LLM engine (built-in prompt) the active one.
async fn activate_llm(pool: &sqlx::PgPool) {
    let choice = ticketlens::domain::EngineChoice {
        kind: ticketlens::domain::EngineKind::Llm,
        model_id: None,
        prompt_id: None,
    };
    db::app_settings::set(pool, db::app_settings::ACTIVE_SENTIMENT, &choice, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_llm_run_records_tokens_prompt_version_and_predictions() {
    let standin = Standin::start(Provider::Gemini, "gemini-test", Some(KEY), vec![]).await;
    let app = spawn_app_with(0, |s| s.llm = Some(llm(&standin.base_url))).await;
    let set_id = gold_set(&app.pool).await;
    let admin = app.login("admin@example.com").await;
    app.post_form(
        &admin,
        "/api/prompts/create",
        &[
            ("template", "Classify. {{labels}}\n{{examples}}"),
            ("note", "first"),
        ],
    )
    .await;
    let prompt_id: i64 = sqlx::query_scalar("SELECT id FROM prompts WHERE task = 'sentiment'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, location) = app
        .post_form(
            &admin,
            "/api/evaluation/start",
            &[
                ("set_id", &set_id.to_string()),
                ("engine", &format!("llm:{prompt_id}")),
            ],
        )
        .await;
    assert_eq!(status, 302, "{location}");
    app.run_jobs().await;
    let run = db::evaluations::list(&app.pool, 1).await.unwrap().remove(0);
    assert_eq!(
        (run.status.as_str(), run.completed, run.fallbacks),
        ("done", 6, 0)
    );
    assert!(
        run.engine_version
            .starts_with("gemini:gemini-test prompt-v1 examples-"),
        "{}",
        run.engine_version
    );
    assert!(run.prompt_tokens > 0 && run.completion_tokens > 0);
    assert!(!standin.seen().is_empty(), "the stand-in was asked");
    let reasons: Vec<Option<String>> =
        sqlx::query_scalar("SELECT reason FROM evaluation_predictions WHERE run_id = $1")
            .bind(run.id)
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(
        reasons.len() == 6
            && reasons.iter().all(|r| r
                .as_deref()
                .is_some_and(|r| r.starts_with("The stand-in read it as"))),
        "each prediction keeps the model's reason: {reasons:?}"
    );
    // Evaluated: the version can now be made active.
    let (_, location) = app
        .post_form(
            &admin,
            "/api/evaluation/activate",
            &[
                ("engine", &format!("llm:{prompt_id}")),
                ("back", "/prompts"),
            ],
        )
        .await;
    assert!(location.starts_with("/prompts?ok="), "{location}");
}

#[tokio::test]
async fn a_failing_provider_falls_back_and_every_ticket_is_still_analysed() {
    let failures = (0..200)
        .map(|_| Step::Fail(503, "overloaded", None))
        .collect();
    let standin = Standin::start(Provider::Gemini, "gemini-test", Some(KEY), failures).await;
    let app = spawn_app_with(30, |s| s.llm = Some(llm(&standin.base_url))).await;
    activate_llm(&app.pool).await;
    app.run_jobs().await;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT sentiment_engine, count(*) FROM ticket_analysis GROUP BY 1")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        rows,
        vec![("lexicon".to_string(), 30)],
        "stored under the engine that answered"
    );
    assert!(
        standin.seen().len() >= 2,
        "the provider was tried, with a retry"
    );
}

#[tokio::test]
async fn the_ticket_page_shows_the_llm_reason_for_its_label() {
    let standin = Standin::start(Provider::Gemini, "gemini-test", Some(KEY), vec![]).await;
    let app = spawn_app_with(5, |s| s.llm = Some(llm(&standin.base_url))).await;
    activate_llm(&app.pool).await;
    app.run_jobs().await;
    let (id, label, reason): (i64, String, Option<String>) = sqlx::query_as(
        "SELECT ticket_id, sentiment, sentiment_reason FROM ticket_analysis
         WHERE sentiment_engine = 'llm' ORDER BY ticket_id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        reason.as_deref(),
        Some(format!("The stand-in read it as {label}.").as_str())
    );
    let agent = app.login("agent@example.com").await;
    let (_, page) = app.get_html(&agent, &format!("/tickets/{id}")).await;
    assert!(
        page.contains(&format!(
            "the model&#x27;s reason: The stand-in read it as {label}."
        )) || page.contains(&format!(
            "the model's reason: The stand-in read it as {label}."
        )),
        "the reason is shown beside the label"
    );
}
