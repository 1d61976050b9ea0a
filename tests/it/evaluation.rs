//! Evaluation runs, training, engine activation, labelled sets and corrections, through the HTTP surface a browser uses, with the jobs run by the real worker code.

use crate::common;
use common::spawn_app;

const ADMIN: &str = "admin@example.com";
const MANAGER: &str = "manager@example.com";
const AGENT: &str = "agent@example.com";

async fn add_set(pool: &sqlx::PgPool, name: &str, items: &[(String, &str)]) -> i64 {
    let set_id = ticketlens::server::db::labelled::ensure(pool, name, "csv", None)
        .await
        .unwrap();
    let (texts, labels): (Vec<String>, Vec<&str>) = items.iter().cloned().unzip();
    ticketlens::server::db::labelled::add_items(pool, set_id, &texts, &labels, None)
        .await
        .unwrap();
    set_id
}

/// Starts a lexicon run on `set_id` as `admin` through the page's form and runs it; its id.
async fn lexicon_run(app: &common::TestApp, admin: &reqwest::Client, set_id: i64) -> i64 {
    let (status, location) = app
        .post_form(
            admin,
            "/api/evaluation/start",
            &[("set_id", &set_id.to_string()), ("engine", "lexicon")],
        )
        .await;
    assert_eq!(status, 302, "{location}");
    let run_id: i64 = location
        .trim_start_matches("/evaluation/runs/")
        .parse()
        .unwrap();
    app.run_jobs().await;
    run_id
}

#[tokio::test]
async fn a_lexicon_run_stores_predictions_and_hand_checked_metrics() {
    let app = spawn_app(0).await;
    // Gold "negative" items are plainly positive texts (mislabelled on purpose), so every
    // prediction is known whatever items the split holds out: 2 test items per class.
    let mut items = Vec::new();
    for i in 0..10 {
        items.push((
            format!("I love it, thank you so much, wonderful help {i}!"),
            "negative",
        ));
        items.push((format!("The invoice for order {i} is attached."), "neutral"));
        items.push((
            format!("Great service, thanks a lot, excellent {i}!"),
            "positive",
        ));
    }
    let set_id = add_set(&app.pool, "hand checked", &items).await;
    let admin = app.login(ADMIN).await;
    let run_id = lexicon_run(&app, &admin, set_id).await;

    let run = ticketlens::server::db::evaluations::get(&app.pool, run_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (run.status.as_str(), run.total, run.completed),
        ("done", 6, 6)
    );
    let m = run.metrics.unwrap();
    // Rows gold (negative, neutral, positive), columns predicted.
    assert_eq!(
        m["confusion"],
        serde_json::json!([[0, 0, 2], [0, 2, 0], [0, 0, 2]])
    );
    let close = |key: &str, want: f64| {
        let got = m[key].as_f64().unwrap();
        assert!((got - want).abs() < 1e-3, "{key}: {got} != {want}");
    };
    close("accuracy", 4.0 / 6.0);
    // F1: negative 0 (never predicted), neutral 1, positive 2·0.5·1/1.5 = 0.667.
    close("macro_f1", (0.0 + 1.0 + 2.0 / 3.0) / 3.0);
    close("weighted_f1", (0.0 + 1.0 + 2.0 / 3.0) / 3.0);

    let (status, html) = app
        .get_html(&admin, &format!("/evaluation/runs/{run_id}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("macro-F1 0.556"),
        "run page shows the metrics"
    );
    assert!(
        html.contains("<svg") && html.contains("Confusion matrix of run"),
        "confusion matrix drawn"
    );
    assert!(
        html.contains("Misclassified items (2)"),
        "the two mislabelled items are listed"
    );
}

#[tokio::test]
async fn roles_decide_who_sees_and_who_changes_evaluation() {
    let app = spawn_app(0).await;
    let set_id = add_set(&app.pool, "tiny", &[("fine".into(), "neutral")])
        .await
        .to_string();
    let agent = app.login(AGENT).await;
    let (status, _) = app.get_html(&agent, "/evaluation").await;
    assert_eq!(status, 403);
    let manager = app.login(MANAGER).await;
    let (status, html) = app.get_html(&manager, "/evaluation").await;
    assert_eq!(status, 200);
    assert!(html.contains("Evaluation runs"));
    assert!(
        !html.contains("Run evaluation"),
        "managers see no admin forms"
    );
    let (status, _) = app
        .post_form(
            &manager,
            "/api/evaluation/start",
            &[("set_id", &set_id), ("engine", "lexicon")],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = app.get_html(&manager, "/prompts").await;
    assert_eq!(status, 403);
    let (status, _) = app
        .post_form(
            &agent,
            "/api/prompts/create",
            &[("template", "x {{examples}}"), ("note", "")],
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_trained_model_is_evaluated_activated_and_scores_new_tickets() {
    let app = spawn_app(400).await;
    let admin = app.login(ADMIN).await;
    let (status, location) = app
        .post_form(
            &admin,
            "/api/evaluation/sets/from-tickets",
            &[("name", "Demo"), ("limit", "400")],
        )
        .await;
    assert_eq!(status, 302);
    assert!(location.contains("400+tickets+added"), "{location}");
    let set_id: i64 = sqlx::query_scalar("SELECT id FROM labelled_sets WHERE name = 'Demo'")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    // A prompt version cannot become active before it was evaluated.
    app.post_form(
        &admin,
        "/api/prompts/create",
        &[
            ("template", "Label it. {{labels}} {{examples}}"),
            ("note", "v1"),
        ],
    )
    .await;
    let prompt_id: i64 = sqlx::query_scalar("SELECT id FROM prompts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (_, location) = app
        .post_form(
            &admin,
            "/api/evaluation/activate",
            &[("engine", &format!("llm:{prompt_id}"))],
        )
        .await;
    assert!(location.contains("error="), "{location}");

    let (status, _) = app
        .post_form(
            &admin,
            "/api/evaluation/train",
            &[("set_id", &set_id.to_string()), ("features", "both")],
        )
        .await;
    assert_eq!(status, 302);
    app.run_jobs().await;
    let (model_id, version, f1): (i64, i32, f64) =
        sqlx::query_as("SELECT id, version, (metrics->>'macro_f1')::float8 FROM sentiment_models")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(version, 1);
    assert!(f1 > 0.5, "demo sentiment is learnable: macro-F1 {f1}");
    let curve: serde_json::Value = sqlx::query_scalar("SELECT curve FROM sentiment_models")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let sizes: Vec<u64> = curve
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_u64().unwrap())
        .collect();
    assert_eq!(
        &sizes[..2],
        &[50, 100],
        "learning curve from 50 examples up: {curve}"
    );
    assert!((curve[sizes.len() - 1][1].as_f64().unwrap() - f1).abs() < 1e-9);
    let (_, html) = app.get_html(&admin, "/evaluation").await;
    assert!(html.contains("Learning curve of local model v1"));
    let (run_status, run_f1): (String, f64) = sqlx::query_as(
        "SELECT status, (metrics->>'macro_f1')::float8 FROM evaluation_runs WHERE model_id = $1",
    )
    .bind(model_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(run_status, "done");
    assert!(
        (run_f1 - f1).abs() < 1e-6,
        "the run measures the same test split"
    );

    let (_, location) = app
        .post_form(
            &admin,
            "/api/evaluation/activate",
            &[("engine", &format!("local:{model_id}"))],
        )
        .await;
    assert!(location.contains("ok="), "{location}");
    // Every stored ticket and follow-up is rescored in the background.
    app.run_jobs().await;
    assert_eq!(versions(&app.pool).await, vec!["local-v1".to_string()]);
    let (_, html) = app.get_html(&admin, "/evaluation").await;
    assert!(
        html.contains("rescored with local-v1"),
        "the page reports the rescore"
    );
    // Tickets not analysed yet are now scored by the model.
    sqlx::query("DELETE FROM ticket_analysis")
        .execute(&app.pool)
        .await
        .unwrap();
    ticketlens::server::db::jobs::enqueue_missing_analysis(&app.pool)
        .await
        .unwrap();
    app.run_jobs().await;
    let engines: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT sentiment_engine, sentiment_version, count(*) FROM ticket_analysis GROUP BY 1, 2",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        engines,
        vec![("local".to_string(), "local-v1".to_string(), 400)]
    );

    // Going back to the lexicon, worse than the model on this gold set, needs an override.
    let lexicon = lexicon_run(&app, &admin, set_id).await;
    let lexicon_f1: f64 = sqlx::query_scalar(
        "SELECT (metrics->>'macro_f1')::float8 FROM evaluation_runs WHERE id = $1",
    )
    .bind(lexicon)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        lexicon_f1 < run_f1,
        "lexicon {lexicon_f1} vs model {run_f1}"
    );
    let (_, html) = app.get_html(&admin, "/evaluation").await;
    assert!(html.contains("worse-than-active"), "the page warns");
    assert!(html.contains(&format!("scores macro-F1 {lexicon_f1:.3} on Demo")));
    let activate = |force: Option<&'static str>| {
        let mut form = vec![("engine", "lexicon".to_string())];
        form.extend(force.map(|f| ("force", f.to_string())));
        let (app, admin) = (&app, &admin);
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(admin, "/api/evaluation/activate", &form)
                .await
                .1
        }
    };
    let active = || ticketlens::server::pipeline::sentiment::engine::active_choice(&app.pool);
    let location = activate(None).await;
    assert!(
        location.contains("error=") && location.contains("below"),
        "{location}"
    );
    assert_eq!(
        active().await.unwrap().model_id,
        Some(model_id),
        "still the model"
    );
    let location = activate(Some("true")).await;
    assert!(location.contains("ok="), "{location}");
    assert_eq!(
        active().await.unwrap(),
        ticketlens::domain::EngineChoice::LEXICON
    );
    app.run_jobs().await;
    assert_eq!(versions(&app.pool).await, vec!["lexicon-2".to_string()]);
}

/// The distinct sentiment versions of every stored ticket and follow-up message.
async fn versions(pool: &sqlx::PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT sentiment_version FROM ticket_analysis
         UNION SELECT sentiment_version FROM message_analysis ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_agents_correction_becomes_a_gold_label() {
    let app = spawn_app(5).await;
    let agent = app.login(AGENT).await;
    let ticket: i64 = sqlx::query_scalar("SELECT min(id) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, location) = app
        .post_form(
            &agent,
            "/api/ticket/correct",
            &[("ticket_id", &ticket.to_string()), ("label", "negative")],
        )
        .await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with(&format!("/tickets/{ticket}?ok=Saved&at=")),
        "{location}"
    );
    // Correcting again replaces the label rather than adding an item.
    app.post_form(
        &agent,
        "/api/ticket/correct",
        &[("ticket_id", &ticket.to_string()), ("label", "neutral")],
    )
    .await;
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT s.name, i.label FROM labelled_items i JOIN labelled_sets s ON s.id = i.set_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![("Agent corrections".to_string(), "neutral".to_string())]
    );
    let (_, html) = app.get_html(&agent, &format!("/tickets/{ticket}")).await;
    assert!(html.contains("Corrected by an agent"));
}

#[tokio::test]
async fn a_labelled_csv_upload_reports_bad_rows_and_keeps_the_rest() {
    let app = spawn_app(0).await;
    let admin = app.login(ADMIN).await;
    let csv = "text,label\nLove it,positive\nNo idea,happy\n,negative\nBroken again,negative\n";
    let form = reqwest::multipart::Form::new()
        .text("name", "Uploaded")
        .part(
            "file",
            reqwest::multipart::Part::text(csv).file_name("set.csv"),
        );
    let res = admin
        .post(format!("{}/evaluation/sets/import", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let message = urlencoding(&location);
    assert!(message.contains("2 items added to Uploaded"), "{message}");
    assert!(
        message.contains("line 3") && message.contains("happy") && message.contains("line 4"),
        "{message}"
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM labelled_items")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}

fn urlencoding(s: &str) -> String {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn follow_up_messages_are_labelled_and_scored_apart() {
    let app = spawn_app(0).await;
    // Twelve tickets, each with a later customer message an agent labels; four tickets labelled
    // too. Plain texts, so the lexicon gets most of them right.
    let mut messages = Vec::new();
    for i in 0..12 {
        let ticket: i64 = sqlx::query_scalar(
            "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status,
                                  created_at)
             VALUES ('test', $1, 'Order', $2, 'email', 'medium', 'open', now() - interval '1 day')
             RETURNING id",
        )
        .bind(format!("F-{i}"))
        .bind(format!("Where is order {i}?"))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        let (text, label) = if i % 2 == 0 {
            (
                format!("Thank you so much, wonderful, it arrived {i}!"),
                "positive",
            )
        } else {
            (
                format!("This is terrible, awful, still nothing {i}, I hate it."),
                "negative",
            )
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (ticket_id, kind, channel, created_at, body)
             VALUES ($1, 'customer', 'email', now(), $2) RETURNING id",
        )
        .bind(ticket)
        .bind(&text)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        messages.push((ticket, id, label));
    }
    let agent = app.login(AGENT).await;
    for (ticket, id, label) in &messages {
        let (status, location) = app
            .post_form(
                &agent,
                "/api/message/correct",
                &[("message_id", &id.to_string()), ("label", label)],
            )
            .await;
        assert_eq!(status, 302, "{location}");
        assert!(location.starts_with(&format!("/tickets/{ticket}?ok=Saved")));
    }
    for (ticket, _, _) in messages.iter().take(4) {
        app.post_form(
            &agent,
            "/api/ticket/correct",
            &[("ticket_id", &ticket.to_string()), ("label", "neutral")],
        )
        .await;
    }
    // The opening message is the ticket's: it is labelled on the ticket, not here.
    let opening: i64 = sqlx::query_scalar("SELECT id FROM messages WHERE opening LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, location) = app
        .post_form(
            &agent,
            "/api/message/correct",
            &[("message_id", &opening.to_string()), ("label", "neutral")],
        )
        .await;
    assert_eq!(status, 302);
    assert!(location.starts_with("/tickets?error="), "{location}");
    let (items, follow_ups): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(message_id) FROM labelled_items")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((items, follow_ups), (16, 12));
    let (_, html) = app
        .get_html(&agent, &format!("/tickets/{}", messages[1].0))
        .await;
    assert!(
        html.contains("corrected: negative"),
        "the thread shows the label"
    );

    let set_id: i64 =
        sqlx::query_scalar("SELECT id FROM labelled_sets WHERE name = 'Agent corrections'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let admin = app.login(ADMIN).await;
    let run_id = lexicon_run(&app, &admin, set_id).await;
    let run = ticketlens::server::db::evaluations::get(&app.pool, run_id)
        .await
        .unwrap()
        .unwrap();
    let tested: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM evaluation_predictions p JOIN labelled_items i ON i.id = p.item_id
         WHERE p.run_id = $1 AND i.message_id IS NOT NULL",
    )
    .bind(run_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(tested > 0, "the test split holds follow-ups");
    let follow = run.follow_up_metrics.expect("figures on the follow-ups");
    assert_eq!(follow["total"].as_i64(), Some(tested));
    assert!(run.metrics.unwrap()["total"].as_i64().unwrap() >= tested);
    let (_, html) = app
        .get_html(&admin, &format!("/evaluation/runs/{run_id}"))
        .await;
    assert!(
        html.contains(&format!("On follow-up messages ({tested} items)")),
        "the run page reports them apart"
    );
}
