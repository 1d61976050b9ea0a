//! The tuning job as an admin drives it: one at a time, a learning curve that a job taken over
//! after a crash does not redo, and a cancel that stops it without storing anything.

use crate::common::{spawn_app, TestApp};
use ticketlens::domain::training::{TrainingProgress, TrainingState};
use ticketlens::server::db;

const ADMIN: &str = "admin@example.com";

/// A set of `limit` demo tickets; returns its id.
async fn demo_set(app: &TestApp, admin: &reqwest::Client, limit: &str) -> i64 {
    app.post_form(
        admin,
        "/api/evaluation/sets/from-tickets",
        &[("name", "Demo"), ("limit", limit)],
    )
    .await;
    sqlx::query_scalar("SELECT id FROM labelled_sets WHERE name = 'Demo'")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn tune(
    app: &TestApp,
    admin: &reqwest::Client,
    set_id: i64,
    pairs: &str,
    curve: bool,
) -> String {
    let set = set_id.to_string();
    let mut form = vec![
        ("set_id", set.as_str()),
        ("features", "tuned"),
        ("pairs", pairs),
    ];
    if curve {
        form.push(("curve", "true"));
    }
    app.post_form(admin, "/api/evaluation/train", &form).await.1
}

async fn job_id(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM jobs WHERE kind = 'train_model' ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn one_tuning_at_a_time_and_a_resumed_job_keeps_its_finished_curve_points() {
    let app = spawn_app(250).await;
    let admin = app.login(ADMIN).await;
    let set_id = demo_set(&app, &admin, "200").await;
    let queued = tune(&app, &admin, set_id, "40", true).await;
    assert!(queued.contains("ok="), "{queued}");
    let second = tune(&app, &admin, set_id, "40", false).await;
    assert!(
        second.contains("error=") && second.contains("already"),
        "a second tuning waits for the first: {second}"
    );

    // As a worker that died after the curve's first stage left it: the point it finished (a
    // value no tuning would give) is kept, and the job goes on from the next stage.
    let job = job_id(&app).await;
    let crashed = TrainingProgress {
        job_id: job,
        set_name: "Demo".into(),
        examples: 48,
        stage: 1,
        stages: 2,
        done: 3,
        total: 3,
        loss: Some(0.2),
        curve: vec![(48, 0.123)],
        state: TrainingState::Running,
        message: None,
    };
    db::training::set_progress(&app.pool, &crashed)
        .await
        .unwrap();
    app.run_jobs().await;

    let curve: serde_json::Value = sqlx::query_scalar("SELECT curve FROM sentiment_models")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let points: Vec<(usize, f64)> = serde_json::from_value(curve).unwrap();
    assert_eq!(points.len(), 2, "{points:?}");
    assert_eq!(points[0], (48, 0.123), "the finished point was not redone");
    assert!(points[1].0 > 150, "then the whole train split: {points:?}");
    let progress = db::training::progress(&app.pool).await.unwrap().unwrap();
    assert_eq!(progress.state, TrainingState::Done);
    assert_eq!(progress.curve, vec![(48, 0.123)]);

    let page = app.get_html(&admin, "/evaluation").await.1;
    assert!(
        page.contains("data-testid=\"training\""),
        "the page shows the tuning"
    );
    assert!(
        page.contains("48 examples: macro-F1 0.123"),
        "and its curve"
    );
}

#[tokio::test]
async fn a_cancelled_tuning_stops_and_stores_nothing() {
    let app = spawn_app(120).await;
    let admin = app.login(ADMIN).await;
    let set_id = demo_set(&app, &admin, "100").await;
    // Enough pairs that it is still running when the cancel arrives.
    let queued = tune(&app, &admin, set_id, "100000", false).await;
    assert!(queued.contains("ok="), "{queued}");
    let job = job_id(&app).await;
    let ctx = app.jobs.clone();
    let worker = tokio::spawn(async move {
        let mut engine = None;
        while ticketlens::server::jobs::worker::step(&ctx, &mut engine).await {}
    });
    let mut waited = 0;
    loop {
        let p = db::training::progress(&app.pool).await.unwrap();
        if p.is_some_and(|p| p.job_id == job && p.done > 0) {
            break;
        }
        waited += 1;
        assert!(waited < 1_200, "the tuning never reported a step");
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let page = app.get_html(&admin, "/evaluation").await.1;
    assert!(
        page.contains("Cancel tuning"),
        "a running tuning can be cancelled"
    );
    let (status, location) = app
        .post_form(
            &admin,
            "/api/evaluation/train/cancel",
            &[("job_id", &job.to_string())],
        )
        .await;
    assert!(location.contains("ok="), "{status} {location}");
    worker.await.unwrap();

    let progress = db::training::progress(&app.pool).await.unwrap().unwrap();
    assert_eq!(progress.state, TrainingState::Cancelled);
    assert!(
        progress.done < progress.total,
        "stopped early: {} of {}",
        progress.done,
        progress.total
    );
    let models: i64 = sqlx::query_scalar("SELECT count(*) FROM sentiment_models")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(models, 0);
    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "done", "a cancelled job is not retried");
    let (_, again) = app
        .post_form(
            &admin,
            "/api/evaluation/train/cancel",
            &[("job_id", &job.to_string())],
        )
        .await;
    assert!(again.contains("error="), "{again}");
}
