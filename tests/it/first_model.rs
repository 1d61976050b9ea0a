//! A fresh install's first sentiment model: tuned on the demo's labels in the background, made
//! active only when it beats the lexicon on held-out demo tickets, and the stored tickets
//! rescored so the Overview's shares follow the labels.

use crate::common::spawn_app_with;
use ticketlens::domain::metrics::Metrics;
use ticketlens::domain::training::TrainingState;
use ticketlens::domain::EngineChoice;
use ticketlens::server::db;
use ticketlens::server::jobs::first_model;
use ticketlens::server::pipeline::sentiment::engine;

/// Share of each label (negative, neutral, positive) among `labels`.
fn shares(labels: &[String]) -> [f64; 3] {
    let n = labels.len().max(1) as f64;
    ["negative", "neutral", "positive"]
        .map(|l| labels.iter().filter(|x| *x == l).count() as f64 / n)
}

#[tokio::test]
async fn a_fresh_install_tunes_on_the_demo_labels_and_activates_a_model_that_beats_the_lexicon() {
    let app = spawn_app_with(400, |s| s.demo_tuning_pairs = 320).await;
    let before: Vec<String> = sqlx::query_scalar(
        "SELECT gold_sentiment FROM tickets WHERE gold_sentiment IS NOT NULL ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert!(before.len() > 300, "the demo labels its tickets");
    app.run_jobs().await;

    let (model_id, features, set_name, train_size): (i64, String, String, i32) =
        sqlx::query_as("SELECT id, features, set_name, train_size FROM sentiment_models")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(features, "tuned");
    assert_eq!(set_name, first_model::SET_NAME);
    assert!(
        train_size > 250,
        "four fifths of the demo labels train: {train_size}"
    );

    // Both engines were evaluated on the held-out demo tickets, and the model won.
    let runs: Vec<(String, f64)> = sqlx::query_as(
        "SELECT engine, (metrics->>'macro_f1')::float8 FROM evaluation_runs
         WHERE status = 'done' ORDER BY engine",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let f1 = |kind: &str| runs.iter().find(|(e, _)| e == kind).map(|(_, f)| *f);
    let (lexicon, local) = (
        f1("lexicon").expect("lexicon run"),
        f1("local").expect("model run"),
    );
    assert!(
        local > lexicon + 0.05,
        "tuned on the demo's own labels the model beats the lexicon: {local:.3} vs {lexicon:.3}"
    );
    assert_eq!(
        engine::active_choice(&app.pool).await.unwrap(),
        EngineChoice::local(model_id)
    );
    let progress = db::training::progress(&app.pool).await.unwrap().unwrap();
    assert_eq!(progress.state, TrainingState::Done);
    let message = progress.message.unwrap_or_default();
    assert!(message.contains("made active"), "{message}");

    // Every stored ticket now carries the model's score, and the shares follow the labels.
    let stored: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT a.sentiment_version, a.sentiment, t.gold_sentiment
         FROM ticket_analysis a JOIN tickets t ON t.id = a.ticket_id
         WHERE t.gold_sentiment IS NOT NULL",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), before.len());
    let version: i32 = sqlx::query_scalar("SELECT version FROM sentiment_models")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(stored
        .iter()
        .all(|(v, _, _)| *v == format!("local-v{version}")));
    let predicted: Vec<String> = stored.iter().map(|(_, l, _)| l.clone()).collect();
    let gold: Vec<String> = stored.iter().map(|(_, _, g)| g.clone()).collect();
    let (ours, theirs) = (shares(&predicted), shares(&gold));
    for c in 0..3 {
        assert!(
            (ours[c] - theirs[c]).abs() < 0.06,
            "stored shares {ours:?} follow the labels' {theirs:?}"
        );
    }
}

#[tokio::test]
async fn the_lexicon_stays_when_the_first_model_is_not_better_or_an_engine_was_chosen() {
    let app = spawn_app_with(200, |_| {}).await;
    first_model::enqueue(&app.pool, Some(40)).await.unwrap();
    let set_id: i64 = sqlx::query_scalar("SELECT id FROM labelled_sets WHERE name = $1")
        .bind(first_model::SET_NAME)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let items = db::labelled::items(&app.pool, set_id).await.unwrap();
    let test: Vec<&db::labelled::Item> = items.iter().take(40).collect();
    let classes = ["negative", "neutral", "positive"];
    let gold: Vec<usize> = test
        .iter()
        .map(|i| classes.iter().position(|c| *c == i.label).unwrap())
        .collect();
    let wrong: Vec<usize> = gold.iter().map(|g| (g + 1) % 3).collect();
    let perfect = Metrics::compute(&classes, &gold, &gold);
    let worthless = Metrics::compute(&classes, &gold, &wrong);

    let said = first_model::decide(&app.jobs, set_id, 1, 1, &test, &worthless)
        .await
        .unwrap();
    assert!(said.contains("the lexicon stays active"), "{said}");
    assert_eq!(
        engine::active_choice(&app.pool).await.unwrap(),
        EngineChoice::LEXICON
    );
    assert!(
        db::app_settings::get::<EngineChoice>(&app.pool, db::app_settings::ACTIVE_SENTIMENT)
            .await
            .unwrap()
            .is_none(),
        "nothing was chosen on the admin's behalf"
    );

    // An admin's own choice (here: the lexicon, explicitly) is never replaced.
    db::app_settings::set(
        &app.pool,
        db::app_settings::ACTIVE_SENTIMENT,
        &EngineChoice::LEXICON,
        None,
    )
    .await
    .unwrap();
    let said = first_model::decide(&app.jobs, set_id, 1, 1, &test, &perfect)
        .await
        .unwrap();
    assert!(said.contains("already chosen"), "{said}");
    assert_eq!(
        engine::active_choice(&app.pool).await.unwrap(),
        EngineChoice::LEXICON
    );
}
