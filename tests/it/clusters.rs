//! Clustering over real embeddings of a hand-made fixture: three topics come out as three
//! clusters with their words as top terms, the page lists them, the ticket list filters by
//! cluster, an admin's name survives a new run, and an automatic run picks k by silhouette.

use crate::common;
use common::{spawn_app, TestApp};

const TOPICS: [(&str, [&str; 8]); 3] = [
    (
        "refund",
        [
            "I want a refund for the broken blender",
            "Refund still missing for my returned blender",
            "When will my blender refund arrive?",
            "Please refund the blender I sent back",
            "The refund for my blender never reached my card",
            "Blender returned, refund not received",
            "How long does a blender refund take?",
            "My blender refund was only partial",
        ],
    ),
    (
        "password",
        [
            "I forgot my password and cannot log in",
            "The password reset link does not work",
            "Login fails even with the new password",
            "Password reset e-mail never arrives",
            "Locked out of my account after password change",
            "Cannot sign in, password rejected",
            "How do I change my login password?",
            "Two-factor code missing, cannot log in with password",
        ],
    ),
    (
        "delivery",
        [
            "My parcel has not been delivered yet",
            "The courier lost my package",
            "Tracking shows delivered but no parcel at my door",
            "Delivery is late by two weeks",
            "The parcel arrived at the wrong address",
            "Courier never came to deliver my package",
            "Where is my delivery? Tracking has not moved",
            "Package delivery failed three times",
        ],
    ),
];

async fn fixture(app: &TestApp) -> Vec<Vec<i64>> {
    let mut ids = Vec::new();
    for (_, texts) in TOPICS {
        let mut topic = Vec::new();
        for text in texts {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, created_at)
                 VALUES ('test', gen_random_uuid()::text, $1, '', 'email', 'low', 'resolved', now() - interval '3 days')
                 RETURNING id",
            )
            .bind(text)
            .fetch_one(&app.pool)
            .await
            .unwrap();
            topic.push(id);
        }
        ids.push(topic);
    }
    ids
}

async fn cluster_of(app: &TestApp, ticket: i64) -> (i64, Option<String>) {
    sqlx::query_as(
        "SELECT c.id, c.name FROM ticket_clusters tc JOIN clusters c ON c.id = tc.cluster_id
         WHERE tc.ticket_id = $1 AND c.run_id = (SELECT max(id) FROM cluster_runs)",
    )
    .bind(ticket)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn topics_become_clusters_with_their_terms_and_names_carry_over() {
    let app = spawn_app(0).await;
    let topics = fixture(&app).await;
    let admin = app.login("admin@example.com").await;
    let (status, _) = app
        .post_form(&admin, "/api/clusters/run", &[("k", "31")])
        .await;
    assert_eq!(status, 400, "k out of range is refused");
    let (status, _) = app
        .post_form(&admin, "/api/clusters/run", &[("k", "3")])
        .await;
    assert_eq!(status, 302);
    app.run_jobs().await;

    let mut seen = Vec::new();
    for topic in &topics {
        let first = cluster_of(&app, topic[0]).await.0;
        for &t in topic {
            assert_eq!(
                cluster_of(&app, t).await.0,
                first,
                "ticket {t} left its topic"
            );
        }
        assert!(!seen.contains(&first), "two topics share a cluster");
        seen.push(first);
    }
    for ((word, _), &cluster) in TOPICS.iter().zip(&seen) {
        let terms: sqlx::types::Json<Vec<String>> =
            sqlx::query_scalar("SELECT top_terms FROM clusters WHERE id = $1")
                .bind(cluster)
                .fetch_one(&app.pool)
                .await
                .unwrap();
        assert!(
            terms.0.iter().take(3).any(|t| t.contains(word)),
            "{word} not among the first terms of {:?}",
            terms.0
        );
    }

    // The page lists the clusters; the ticket list filters by one.
    let manager = app.login("manager@example.com").await;
    let (status, html) = app.get_html(&manager, "/clusters").await;
    assert_eq!(status, 200);
    assert!(html.contains("24 tickets in 3 clusters"), "{html}");
    assert!(html.contains(&format!("/tickets?cluster={}", seen[0])));
    assert!(
        !html.contains("Run clustering"),
        "managers do not run clustering"
    );
    let (status, html) = app
        .get_html(&manager, &format!("/tickets?cluster={}", seen[1]))
        .await;
    assert_eq!(status, 200);
    for (i, topic) in topics.iter().enumerate() {
        for t in topic {
            let listed = html.contains(&format!("href=\"/tickets/{t}\""));
            assert_eq!(
                listed,
                i == 1,
                "ticket {t} of topic {i} in the cluster's list"
            );
        }
    }

    // An admin names a cluster; a new run keeps the name on the cluster holding its tickets.
    let (status, _) = app
        .post_form(
            &admin,
            "/api/clusters/name",
            &[
                ("cluster_id", &seen[2].to_string()),
                ("name", "Lost parcels"),
            ],
        )
        .await;
    assert_eq!(status, 302);
    let (status, _) = app
        .post_form(&admin, "/api/clusters/run", &[("k", "3")])
        .await;
    assert_eq!(status, 302);
    app.run_jobs().await;
    let (cluster, name) = cluster_of(&app, topics[2][0]).await;
    assert_ne!(cluster, seen[2], "a new run");
    assert_eq!(name.as_deref(), Some("Lost parcels"));

    // With k left empty, the silhouette picks k from 4 to 12.
    let (status, _) = app
        .post_form(&admin, "/api/clusters/run", &[("k", "")])
        .await;
    assert_eq!(status, 302);
    app.run_jobs().await;
    let (k, by, scores): (i32, String, sqlx::types::Json<Vec<(usize, f64)>>) =
        sqlx::query_as("SELECT k, k_chosen_by, scores FROM cluster_runs ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(by, "silhouette");
    assert_eq!(
        scores.0.iter().map(|s| s.0).collect::<Vec<_>>(),
        (4..=12).collect::<Vec<_>>()
    );
    let best = scores
        .0
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
        .0;
    assert_eq!(k as usize, best);
}
