//! The tuned local engine end to end: tuning on a labelled set in the training job, the stored
//! layers, its evaluation run, activation and the rescore of stored tickets through its own
//! encoder; and on a small labelled demo set, tuning beats the head-only engine.

use crate::common::spawn_app;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use ticketlens::server::jobs::{self, train_tuned};
use ticketlens::server::pipeline::embed::Embedder;
use ticketlens::server::pipeline::sentiment::local::{LocalModel, TrainExample, TrainOptions};
use ticketlens::server::pipeline::sentiment::tuned::{self, store, Recipe};
use ticketlens::server::tools::demo::{self, DemoConfig};

const ADMIN: &str = "admin@example.com";

#[tokio::test]
async fn a_tuned_model_is_trained_stored_evaluated_and_rescores_every_ticket() {
    let app = spawn_app(120).await;
    let admin = app.login(ADMIN).await;
    app.post_form(
        &admin,
        "/api/evaluation/sets/from-tickets",
        &[("name", "Demo"), ("limit", "120")],
    )
    .await;
    let set_id: i64 = sqlx::query_scalar("SELECT id FROM labelled_sets WHERE name = 'Demo'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let train = |pairs: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let form = [
                ("set_id", set_id.to_string()),
                ("features", "tuned".to_string()),
                ("pairs", pairs.to_string()),
            ];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_form(admin, "/api/evaluation/train", &form).await
        }
    };
    let (_, refused) = train("3").await;
    assert!(
        refused.contains("error="),
        "too few pairs are refused: {refused}"
    );
    let (status, location) = train("160").await;
    assert!(
        status == 302 && location.contains("ok="),
        "{status} {location}"
    );
    app.run_jobs().await;

    let (model_id, version, features, recipe): (i64, i32, String, serde_json::Value) =
        sqlx::query_as("SELECT id, version, features, recipe FROM sentiment_models")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(features, "tuned");
    assert_eq!(recipe["summary"]["pairs"], 160, "{recipe}");
    assert_eq!(recipe["recipe"]["trainable_layers"], 2);
    let layers = ticketlens::server::db::models::tuned_layers(&app.pool, model_id)
        .await
        .unwrap()
        .expect("tuned layers are stored");
    let layers = store::from_bytes(&layers).unwrap();
    assert_eq!(layers.len(), 32, "16 tensors in each of the two top layers");
    assert!(layers
        .iter()
        .all(|(name, _)| name.starts_with("encoder.layer.4.")
            || name.starts_with("encoder.layer.5.")));
    let (status, f1): (String, f64) = sqlx::query_as(
        "SELECT status, (metrics->>'macro_f1')::float8 FROM evaluation_runs WHERE model_id = $1",
    )
    .bind(model_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(status, "done");
    assert!(f1 > 0.4, "the demo's sentiment is learnable: macro-F1 {f1}");

    // The tuned encoder differs from the base model: the same text embeds differently.
    let base = Embedder::load(app.jobs.embedder.config()).unwrap();
    let tuned = Embedder::load_tuned(app.jobs.embedder.config(), &layers, Some("t")).unwrap();
    let text = ["The parcel never arrived and nobody answers my e-mails."];
    let (a, b) = (base.embed(&text).unwrap(), tuned.embed(&text).unwrap());
    let cosine: f32 = a[0].iter().zip(&b[0]).map(|(x, y)| x * y).sum();
    assert!(
        cosine < 0.999,
        "tuning moved the embedding (cosine {cosine})"
    );

    let (_, location) = app
        .post_form(
            &admin,
            "/api/evaluation/activate",
            &[("engine", &format!("local:{model_id}"))],
        )
        .await;
    assert!(location.contains("ok="), "{location}");
    app.run_jobs().await;
    let expected = format!("local-v{version}");
    let stored: Vec<(String, f32, String)> = sqlx::query_as(
        "SELECT CASE WHEN t.subject = '' THEN t.body ELSE t.subject || E'\\n' || t.body END,
                a.sentiment_score, a.sentiment_version
         FROM ticket_analysis a JOIN tickets t ON t.id = a.ticket_id ORDER BY t.id LIMIT 5",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    // Every stored ticket now carries the tuned model's score, as its head gives it on the
    // tuned encoder's embedding (not on the base embedding the head-only engine reads).
    let head: LocalModel = serde_json::from_value(
        ticketlens::server::db::models::weights(&app.pool, model_id)
            .await
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    let mut apart = 0f32;
    for (text, score, version) in stored {
        assert_eq!(version, expected);
        let embedding = tuned.embed(&[text.as_str()]).unwrap().remove(0);
        let p = head.predict(&text, Some(&embedding)).unwrap();
        let on_base = head
            .predict(&text, Some(&base.embed(&[text.as_str()]).unwrap()[0]))
            .unwrap();
        apart = apart.max((on_base.score - p.score).abs());
        // int8 activations are quantised per batch, so a text scored alone differs slightly.
        assert!(
            (p.score - score).abs() < 0.02,
            "{text}: stored {score}, model {}",
            p.score
        );
    }
    assert!(
        apart > 0.02,
        "the base embedding would have given other scores (at most {apart} apart)"
    );
    let others: i64 =
        sqlx::query_scalar("SELECT count(*) FROM ticket_analysis WHERE sentiment_version <> $1")
            .bind(&expected)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(others, 0);
}

/// The demo generator's labelled tickets as examples (text as the analysis joins it).
fn demo_examples(tickets: usize, seed: u64) -> Vec<TrainExample> {
    let cfg = DemoConfig {
        tickets,
        seed,
        end: demo::default_end(),
    };
    demo::generate(&cfg)
        .filter_map(|t| {
            Some(TrainExample {
                text: ticketlens::server::db::analysis::joined_text(&t.subject, &t.body),
                embedding: None,
                label: t.sentiment?,
            })
        })
        .collect()
}

#[tokio::test]
async fn on_a_small_demo_set_the_tuned_engine_beats_the_head_only_engine() {
    let config = crate::common::embedder_config();
    let examples = demo_examples(450, 11);
    let train = tuned::subset(&examples, 150, 5);
    let test: Vec<TrainExample> = examples
        .iter()
        .filter(|e| !train.iter().any(|t| t.text == e.text))
        .cloned()
        .collect();
    assert!(test.len() > 200, "{} held out", test.len());

    // Head-only: the linear head (with the lexicon prior) on the base model's embeddings.
    let base = Arc::new(Embedder::load(&config).unwrap());
    let embedded = |rows: &[TrainExample], vectors: Vec<Vec<f32>>| -> Vec<TrainExample> {
        rows.iter()
            .zip(vectors)
            .map(|(e, v)| TrainExample {
                embedding: Some(v),
                ..e.clone()
            })
            .collect()
    };
    let texts = |rows: &[TrainExample]| rows.iter().map(|e| e.text.clone()).collect::<Vec<_>>();
    let base_train = embedded(&train, jobs::embed(&base, texts(&train)).await.unwrap());
    let base_test = embedded(&test, jobs::embed(&base, texts(&test)).await.unwrap());
    let head_only = LocalModel::train_with_prior(&base_train, &TrainOptions::default()).unwrap();
    let head_only_f1 = jobs::train::measure(&head_only, &base_test)
        .unwrap()
        .macro_f1;

    // Tuned: the same head on the encoder tuned (the whole of it, as the recipe says for this
    // size) on the same 150 labels, with fewer pairs than the default to keep the test short.
    let recipe = Recipe {
        target_pairs: 600,
        max_pairs: 600,
        ..Recipe::for_size(train.len())
    };
    assert_eq!(recipe.trainable_layers, 6);
    let model = tuned::fit_in_background(
        config.model_dir.clone(),
        train,
        recipe,
        Arc::new(AtomicBool::new(false)),
        |_| {},
    )
    .await
    .unwrap()
    .expect("not cancelled");
    let tuned_f1 = train_tuned::measure(&config, &model, &test)
        .await
        .unwrap()
        .macro_f1;
    // Three points at least (on the demo generated on 2026-12-06: 0.741 against 0.696).
    assert!(
        tuned_f1 > head_only_f1 + 0.03,
        "tuned {tuned_f1:.3} vs head-only {head_only_f1:.3} on {} held-out demo tickets",
        test.len()
    );
}
