//! `/metrics`: the exposition format with the queue, lag, stage, outbound and pool figures, and
//! who may read it.

use crate::common::{spawn_app, spawn_app_with};
use ticketlens::server::config::Secret;
use ticketlens::server::jobs::analyse;
use ticketlens::server::pipeline::sentiment::engine::Engine;

/// The value of the sample whose line starts with `series ` (name and labels), if any.
fn sample(body: &str, series: &str) -> Option<f64> {
    body.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_show_the_queue_lag_stages_and_pool() {
    let app = spawn_app(70).await;
    // The demo tickets were queued an hour ago.
    sqlx::query("UPDATE jobs SET created_at = now() - interval '1 hour'")
        .execute(&app.pool)
        .await
        .unwrap();
    let url = format!("{}/metrics", app.base);
    let res = reqwest::get(&url).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let body = res.text().await.unwrap();
    for family in [
        "ticketlens_jobs gauge",
        "ticketlens_job_oldest_age_seconds gauge",
        "ticketlens_analysis_lag_seconds gauge",
        "ticketlens_rollup_pending_tickets gauge",
        "ticketlens_analysis_stage_seconds_total counter",
        "ticketlens_webhook_deliveries gauge",
        "ticketlens_emails gauge",
        "ticketlens_db_pool_connections gauge",
        "ticketlens_database_up gauge",
    ] {
        assert!(
            body.contains(&format!("# TYPE {family}\n")),
            "{family} missing:\n{body}"
        );
    }
    // Without workers, the 70 demo tickets wait for analysis.
    assert_eq!(
        sample(
            &body,
            r#"ticketlens_jobs{kind="analyse_ticket",state="queued"}"#
        ),
        Some(70.0),
        "{body}"
    );
    let lag = sample(&body, "ticketlens_analysis_lag_seconds").unwrap();
    assert!((3600.0..3700.0).contains(&lag), "lag {lag}");
    // The demo loader caught up on its rollups before it returned.
    assert_eq!(
        sample(&body, "ticketlens_rollup_pending_tickets"),
        Some(0.0)
    );
    assert_eq!(sample(&body, "ticketlens_database_up"), Some(1.0));
    assert_eq!(
        sample(&body, r#"ticketlens_emails{state="dead"}"#),
        Some(0.0)
    );
    let max = sample(&body, "ticketlens_db_pool_max_connections").unwrap();
    assert!(max >= 1.0, "{body}");

    // One batch later: the queue is shorter and the stages have run (the counters are the test
    // process's, so other tests may add to them, never take away).
    let before = sample(
        &body,
        r#"ticketlens_analysis_stage_runs_total{stage="infer"}"#,
    )
    .unwrap();
    let stored = analyse::run_batch(&app.jobs, &Engine::Lexicon)
        .await
        .unwrap();
    assert_eq!(stored, 64);
    let body = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert_eq!(
        sample(
            &body,
            r#"ticketlens_jobs{kind="analyse_ticket",state="queued"}"#
        ),
        Some(6.0),
        "{body}"
    );
    let after = sample(
        &body,
        r#"ticketlens_analysis_stage_runs_total{stage="infer"}"#,
    )
    .unwrap();
    assert!(
        after >= before + 1.0,
        "infer ran {before} then {after} times"
    );
    assert!(sample(&body, "ticketlens_tickets_analysed_total").unwrap() >= 64.0);
}

#[tokio::test]
async fn a_configured_token_is_required() {
    let app = spawn_app_with(0, |s| {
        s.metrics_token = Some(Secret::new("scrape-me".into()))
    })
    .await;
    let url = format!("{}/metrics", app.base);
    let client = reqwest::Client::new();
    let none = client.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let wrong = client
        .get(&url)
        .bearer_auth("scrape-m")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let right = client
        .get(&url)
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("ticketlens_jobs"));
}
