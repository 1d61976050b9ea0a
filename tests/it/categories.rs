//! Categories end to end over HTTP: training either engine from labelled tickets, the no-signal
//! warning, activation and classification of analysed and new tickets, agents' corrections.

use crate::common;
use common::{spawn_app, TestApp};

const TOPICS: [(&str, [&str; 3]); 4] = [
    (
        "billing",
        [
            "charged twice on my invoice",
            "refund the duplicate payment",
            "my card was billed",
        ],
    ),
    (
        "delivery",
        [
            "the courier lost my parcel",
            "tracking shows no movement",
            "the box never arrived",
        ],
    ),
    (
        "login",
        [
            "password reset code never comes",
            "account locked after sign in",
            "cannot login at all",
        ],
    ),
    (
        "hardware",
        [
            "the screen is cracked",
            "battery drains overnight",
            "charger overheats badly",
        ],
    ),
];

/// Inserts `per_topic` tickets per topic; with `shuffled`, each label is drawn by a hash of the
/// ticket's position, so it no longer depends on the text. Returns the ids.
async fn labelled(app: &TestApp, per_topic: usize, shuffled: bool) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..per_topic {
        for (t, (label, phrases)) in TOPICS.iter().enumerate() {
            let label = if shuffled {
                let h = ((i * TOPICS.len() + t) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 62;
                TOPICS[h as usize].0
            } else {
                label
            };
            let body = format!("Hello, {} since order {i}. Please help.", phrases[i % 3]);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, category, created_at)
                 VALUES ('test', gen_random_uuid()::text, 'Support request', $1, 'email', 'low', 'resolved', $2, now())
                 RETURNING id",
            )
            .bind(body)
            .bind(label)
            .fetch_one(&app.pool)
            .await
            .unwrap();
            ids.push(id);
        }
    }
    ids
}

async fn train(app: &TestApp, admin: &reqwest::Client, engine: &str) {
    let (status, location) = app
        .post_form(admin, "/api/categories/train", &[("engine", engine)])
        .await;
    assert_eq!(status, 302, "{location}");
    app.run_jobs().await;
}

#[tokio::test]
async fn a_trained_model_with_signal_is_activated_and_classifies_old_and_new_tickets() {
    let app = spawn_app(0).await;
    let ids = labelled(&app, 12, false).await;
    app.run_jobs().await;
    let admin = app.login("admin@example.com").await;
    train(&app, &admin, "tfidf").await;

    let (engine, test_size, active): (String, i32, bool) = sqlx::query_as(
        "SELECT engine, test_size,
                (SELECT value->>'model_id' FROM app_settings WHERE key = 'category.active') = id::text
         FROM category_models",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (engine.as_str(), test_size),
        ("tfidf", 10),
        "20% of 48 tickets, per category"
    );
    assert!(active, "the first model with signal becomes active");
    // Every analysed ticket was re-classified with it; they are easy, so nearly all are right.
    let right: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ticket_analysis a JOIN tickets t ON t.id = a.ticket_id
         WHERE a.category = t.category AND a.category_model IS NOT NULL AND t.id = ANY($1)",
    )
    .bind(&ids)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(right >= 44, "{right} of 48 classified right");

    // A new ticket is classified by the analysis job itself.
    let new_id: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, created_at)
         VALUES ('test', 'new-1', 'Where is it', 'The courier lost my parcel and tracking is stuck', 'chat', 'low', 'open', now())
         RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    app.run_jobs().await;
    let (category, confidence): (String, f32) = sqlx::query_as(
        "SELECT category, category_confidence FROM ticket_analysis WHERE ticket_id = $1",
    )
    .bind(new_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(category, "delivery");
    assert!(confidence > 0.25 && confidence <= 1.0);

    let (status, html) = app.get_html(&admin, "/categories").await;
    assert_eq!(status, 200);
    assert!(html.contains("The labels carry signal"), "{html}");
    let (_, ticket) = app.get_html(&admin, &format!("/tickets/{new_id}")).await;
    assert!(
        ticket.contains("data-testid=\"predicted-category\""),
        "{ticket}"
    );

    // The transformer engine trains too, and is stored beside the first without replacing it.
    train(&app, &admin, "embedding").await;
    let engines: Vec<String> =
        sqlx::query_scalar("SELECT engine FROM category_models ORDER BY version")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(engines, ["tfidf", "embedding"]);
    let active: String = sqlx::query_scalar(
        "SELECT m.engine FROM category_models m
         JOIN app_settings s ON s.key = 'category.active' AND s.value->>'model_id' = m.id::text",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(active, "tfidf", "a later model waits for the admin");
}

#[tokio::test]
async fn labels_unrelated_to_the_text_are_reported_as_no_signal_and_not_activated() {
    let app = spawn_app(0).await;
    labelled(&app, 40, true).await;
    let admin = app.login("admin@example.com").await;
    train(&app, &admin, "tfidf").await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM category_models")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let active: Option<serde_json::Value> =
        sqlx::query_scalar("SELECT value FROM app_settings WHERE key = 'category.active'")
            .fetch_optional(&app.pool)
            .await
            .unwrap();
    assert_eq!(active, None, "a model without signal is not switched on");
    let (_, html) = app.get_html(&admin, "/categories").await;
    assert!(
        html.contains("These labels carry no usable signal"),
        "{html}"
    );
}

#[tokio::test]
async fn an_agents_correction_wins_over_the_imported_label_and_only_admins_train() {
    let app = spawn_app(0).await;
    let ids = labelled(&app, 3, false).await;
    let agent = app.login("agent@example.com").await;
    let id = ids[0].to_string();
    let (status, location) = app
        .post_form(
            &agent,
            "/api/ticket/category",
            &[("ticket_id", &id), ("category", " warranty ")],
        )
        .await;
    assert_eq!(status, 302, "{location}");
    let label: String = sqlx::query_scalar(
        "SELECT COALESCE(c.category, t.category) FROM tickets t
         LEFT JOIN category_corrections c ON c.ticket_id = t.id WHERE t.id = $1",
    )
    .bind(ids[0])
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(label, "warranty");
    let (status, _) = app
        .post_form(
            &agent,
            "/api/ticket/category",
            &[("ticket_id", &id), ("category", "  ")],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = app
        .post_form(&agent, "/api/categories/train", &[("engine", "tfidf")])
        .await;
    assert_eq!(status, 403);
    let admin = app.login("admin@example.com").await;
    let (status, _) = app
        .post_form(&admin, "/api/categories/train", &[("engine", "svm")])
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn a_model_that_cannot_read_the_tickets_leaves_them_unclassified_but_analysed() {
    use ticketlens::server::pipeline::category::{CategoryEngine, CategoryExample, CategoryModel};
    let app = spawn_app(0).await;
    // An embedding model trained on 2-dimensional vectors cannot read 384-dimensional ones.
    let examples: Vec<CategoryExample> = (0..8)
        .map(|i| CategoryExample {
            text: format!("ticket {i}"),
            embedding: Some(if i % 2 == 0 {
                vec![1.0, 0.0]
            } else {
                vec![0.0, 1.0]
            }),
            label: if i % 2 == 0 { "a" } else { "b" }.to_string(),
        })
        .collect();
    let model = CategoryModel::train(&examples, CategoryEngine::Embedding).unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO category_models (version, engine, embedder, train_size, test_size, classes, metrics, signal, model)
         VALUES (1, 'embedding', 'other', 8, 0, '[\"a\",\"b\"]', '{}', '{}', $1) RETURNING id",
    )
    .bind(serde_json::to_value(&model).unwrap())
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO app_settings (key, value) VALUES ('category.active', jsonb_build_object('model_id', $1::bigint))")
        .bind(id)
        .execute(&app.pool)
        .await
        .unwrap();
    let ids = labelled(&app, 1, false).await;
    app.run_jobs().await;
    let (analysed, classified): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(category) FROM ticket_analysis WHERE ticket_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((analysed, classified), (4, 0));
}

#[tokio::test]
async fn a_model_learns_the_labels_of_one_import_source_when_asked() {
    let app = spawn_app(0).await;
    labelled(&app, 12, false).await;
    // Another source's tickets with categories of their own.
    sqlx::query(
        "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, category, created_at)
         SELECT 'old export', 'o' || i, 'Old', 'legacy text ' || i, 'email', 'low', 'resolved',
                CASE WHEN i % 2 = 0 THEN 'legacy-a' ELSE 'legacy-b' END, now()
         FROM generate_series(1, 30) i",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.run_jobs().await;
    let admin = app.login("admin@example.com").await;
    let (status, location) = app
        .post_form(
            &admin,
            "/api/categories/train",
            &[("engine", "tfidf"), ("source", "test")],
        )
        .await;
    assert_eq!(status, 302, "{location}");
    app.run_jobs().await;
    let (source, train, test, classes): (Option<String>, i32, i32, serde_json::Value) =
        sqlx::query_as("SELECT source, train_size, test_size, classes FROM category_models")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(source.as_deref(), Some("test"));
    assert_eq!(train + test, 48, "only the 48 tickets of the source");
    assert_eq!(
        classes,
        serde_json::json!(["billing", "delivery", "hardware", "login"])
    );
    let (_, page) = app.get_html(&admin, "/categories").await;
    assert!(
        page.contains("Source &quot;old export&quot; (30)")
            || page.contains("Source \"old export\" (30)"),
        "the form offers each source with labels"
    );

    // A source without category labels is refused in a sentence.
    let (status, _) = app
        .post_form(
            &admin,
            "/api/categories/train",
            &[("engine", "tfidf"), ("source", "nowhere")],
        )
        .await;
    assert_eq!(status, 400);
}
