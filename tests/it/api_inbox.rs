//! The REST API's escalations (list, read, claim, note, resolve, reopen, with conflicts as 409)
//! and evaluation runs (managers and admins only), against a demo data set analysed by the real
//! worker code.

use crate::common;
use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn escalations_are_worked_through_the_api() {
    let app = spawn_app(300).await;
    app.run_jobs().await;
    let agent = app.api_token("agent@example.com").await;
    let manager = app.api_token("manager@example.com").await;
    use reqwest::Method as M;

    let open: i64 = sqlx::query_scalar("SELECT count(*) FROM escalations WHERE status = 'open'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(open > 0, "the demo escalates some tickets");
    let (status, page) = app.call_api(&agent, M::GET, "/escalations", None).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"].as_i64(), Some(open));
    let first = &page["data"][0];
    let id = first["ticket_id"].as_i64().unwrap();
    assert_eq!(first["status"], "open");

    let (status, one) = app
        .call_api(&agent, M::GET, &format!("/escalations/{id}"), None)
        .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["status"], "open");
    assert_eq!(one["decided"], true);
    let reasons = one["reasons"].as_array().unwrap();
    assert!(
        !reasons.is_empty(),
        "the rules that fired are explained: {one}"
    );
    assert!(!reasons[0]["because"][0].as_str().unwrap().is_empty());

    // Two claims: the first wins, the second learns who has it.
    let (status, _) = app
        .call_api(&agent, M::POST, &format!("/escalations/{id}/claim"), None)
        .await;
    assert_eq!(status, 204);
    let (status, body) = app
        .call_api(&manager, M::POST, &format!("/escalations/{id}/claim"), None)
        .await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["code"], "conflict");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already claimed"));

    let note = json!({"body": "Called the customer back."});
    let (status, _) = app
        .call_api(
            &agent,
            M::POST,
            &format!("/escalations/{id}/notes"),
            Some(&note),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call_api(
            &agent,
            M::POST,
            &format!("/escalations/{id}/notes"),
            Some(&json!({"body": " "})),
        )
        .await;
    assert_eq!(status, 400);

    let resolve = json!({"needed": false, "note": "Refunded."});
    let (status, _) = app
        .call_api(
            &agent,
            M::POST,
            &format!("/escalations/{id}/resolve"),
            Some(&resolve.clone()),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call_api(
            &agent,
            M::POST,
            &format!("/escalations/{id}/resolve"),
            Some(&resolve),
        )
        .await;
    assert_eq!(status, 409, "resolving twice");
    let (_, one) = app
        .call_api(&agent, M::GET, &format!("/escalations/{id}"), None)
        .await;
    assert_eq!(one["status"], "resolved");
    let kinds: Vec<&str> = one["activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"note"), "{kinds:?}");
    let verdict: Option<bool> =
        sqlx::query_scalar("SELECT verdict FROM escalations WHERE ticket_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        verdict,
        Some(false),
        "the agent's verdict feeds the backtests"
    );
    let (_, page) = app.call_api(&agent, M::GET, "/escalations", None).await;
    assert_eq!(page["total"].as_i64(), Some(open - 1));
    let (_, resolved) = app
        .call_api(&agent, M::GET, "/escalations?status=resolved", None)
        .await;
    assert_eq!(resolved["total"].as_i64(), Some(1));

    let (status, _) = app
        .call_api(&agent, M::POST, &format!("/escalations/{id}/reopen"), None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call_api(&agent, M::POST, &format!("/escalations/{id}/reopen"), None)
        .await;
    assert_eq!(status, 409);
    let (status, body) = app
        .call_api(&agent, M::GET, "/escalations/999999999", None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, _) = app
        .call_api(&agent, M::GET, "/escalations?status=maybe", None)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn evaluation_runs_are_read_by_managers_not_agents() {
    let app = spawn_app(0).await;
    let set_id = ticketlens::server::db::labelled::ensure(&app.pool, "api set", "csv", None)
        .await
        .unwrap();
    let mut texts = Vec::new();
    let mut labels = Vec::new();
    for i in 0..10 {
        texts.push(format!("Terrible, broken again, I am furious {i}"));
        labels.push("negative");
        texts.push(format!("The invoice for order {i} is attached."));
        labels.push("neutral");
        texts.push(format!("Great service, thanks a lot {i}!"));
        labels.push("positive");
    }
    ticketlens::server::db::labelled::add_items(&app.pool, set_id, &texts, &labels, None)
        .await
        .unwrap();
    let admin = app.login("admin@example.com").await;
    let (status, location) = app
        .post_form(
            &admin,
            "/api/evaluation/start",
            &[("set_id", &set_id.to_string()), ("engine", "lexicon")],
        )
        .await;
    assert_eq!(status, 302);
    let run_id: i64 = location
        .trim_start_matches("/evaluation/runs/")
        .parse()
        .unwrap();
    app.run_jobs().await;

    let agent = app.api_token("agent@example.com").await;
    let (status, body) = app
        .call_api(&agent, reqwest::Method::GET, "/evaluations", None)
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );

    let manager = app.api_token("manager@example.com").await;
    let (status, list) = app
        .call_api(&manager, reqwest::Method::GET, "/evaluations", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["data"][0]["id"].as_i64(), Some(run_id));
    let (status, run) = app
        .call_api(
            &manager,
            reqwest::Method::GET,
            &format!("/evaluations/{run_id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(run["status"], "done");
    assert_eq!(run["set"], "api set");
    let stored = ticketlens::server::db::evaluations::get(&app.pool, run_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(Some(&run["metrics"]), stored.metrics.as_ref());
    let f1 = run["metrics"]["macro_f1"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&f1));
    assert_eq!(run["metrics"]["confusion"].as_array().unwrap().len(), 3);
}
