//! The ticket list's filters, search, ordering and keyset paging, and the rendered pages.

use crate::common;
use common::spawn_app;
use std::collections::HashSet;
use ticketlens::domain::{Priority, Status};
use ticketlens::features::tickets::{TicketQuery, TicketSort};
use ticketlens::server::db;

#[tokio::test]
async fn keyset_pages_cover_every_match_once_in_order() {
    let app = spawn_app(500).await;
    for sort in [TicketSort::Newest, TicketSort::Oldest, TicketSort::Priority] {
        let mut q = TicketQuery {
            sort,
            ..Default::default()
        };
        let mut seen = Vec::new();
        loop {
            let (rows, next) = db::tickets::list(&app.pool, &q, 37).await.unwrap();
            seen.extend(rows);
            match next {
                Some(c) => q.after = Some(c),
                None => break,
            }
        }
        assert_eq!(seen.len(), 500, "{sort:?}");
        let ids: HashSet<i64> = seen.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), 500, "{sort:?}: a ticket appeared twice");
        for w in seen.windows(2) {
            match sort {
                TicketSort::Newest => assert!(w[0].created_at >= w[1].created_at),
                TicketSort::Oldest => assert!(w[0].created_at <= w[1].created_at),
                TicketSort::Priority => {
                    let rank = |p: &str| Priority::parse(p).unwrap().rank();
                    assert!(rank(&w[0].priority) >= rank(&w[1].priority));
                }
            }
        }
    }
}

#[tokio::test]
async fn filters_and_counts_agree_with_the_data() {
    let app = spawn_app(400).await;
    let q = TicketQuery {
        priority: Some(Priority::Urgent),
        status: Some(Status::Open),
        ..Default::default()
    };
    let expected: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tickets WHERE priority = 'urgent' AND status = 'open'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(db::tickets::count(&app.pool, &q).await.unwrap(), expected);
    let (rows, _) = db::tickets::list(&app.pool, &q, 1000).await.unwrap();
    assert_eq!(rows.len() as i64, expected);
    assert!(rows
        .iter()
        .all(|r| r.priority == "urgent" && r.status == "open"));

    let (product_id, product_count): (i64, i64) = sqlx::query_as(
        "SELECT product_id, count(*) FROM tickets GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let q = TicketQuery {
        product: Some(product_id),
        ..Default::default()
    };
    assert_eq!(
        db::tickets::count(&app.pool, &q).await.unwrap(),
        product_count
    );

    let day: chrono::NaiveDate =
        sqlx::query_scalar("SELECT (max(created_at) AT TIME ZONE 'UTC')::date FROM tickets")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let q = TicketQuery {
        from: Some(day),
        to: Some(day),
        ..Default::default()
    };
    let (rows, _) = db::tickets::list(&app.pool, &q, 1000).await.unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.created_at.date_naive() == day));
}

#[tokio::test]
async fn full_text_search_finds_stemmed_words_in_subject_and_body() {
    let app = spawn_app(300).await;
    let q = TicketQuery {
        q: Some("refunds".into()),
        ..Default::default()
    };
    let n = db::tickets::count(&app.pool, &q).await.unwrap();
    let direct: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tickets WHERE subject ~* '\\mrefund' OR body ~* '\\mrefund'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(n > 0, "the demo data talks about refunds");
    assert!(
        n <= direct && n * 10 >= direct * 8,
        "FTS found {n}, regex {direct}"
    );
    let q = TicketQuery {
        q: Some("zzyzx-not-a-word".into()),
        ..Default::default()
    };
    assert_eq!(db::tickets::count(&app.pool, &q).await.unwrap(), 0);
}

#[tokio::test]
async fn ticket_page_shows_the_ticket_and_the_customers_history() {
    let app = spawn_app(400).await;
    let (id, customer): (i64, i64) = sqlx::query_as(
        "SELECT min(id), customer_id FROM tickets GROUP BY customer_id HAVING count(*) >= 3 LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let detail = db::tickets::detail(&app.pool, id, 20)
        .await
        .unwrap()
        .unwrap();
    let others: i64 = sqlx::query_scalar("SELECT count(*) - 1 FROM tickets WHERE customer_id = $1")
        .bind(customer)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(detail.history.len() as i64, others.min(20));
    assert!(detail.history.iter().all(|h| h.id != id));

    let client = app.login("agent@example.com").await;
    let (status, html) = app.get_html(&client, &format!("/tickets/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&escape(&detail.subject)),
        "subject missing from the page"
    );
    assert!(
        html.contains("Customer&#x27;s other tickets") || html.contains("Customer's other tickets")
    );
    let (status, html) = app.get_html(&client, "/tickets/999999999").await;
    assert_eq!(status, 404);
    assert!(html.contains("Not found."));
}

#[tokio::test]
async fn pages_render_on_the_server_with_real_figures() {
    let app = spawn_app(250).await;
    let client = app.login("manager@example.com").await;
    let (status, html) = app
        .get_html(&client, "/?from=2000-01-01&to=2100-12-31")
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<title>Tickets per day</title>"),
        "chart missing"
    );
    assert!(html.contains(">250<"), "total missing");
    let (_, html) = app.get_html(&client, "/tickets?priority=low").await;
    let low: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE priority = 'low'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(
        html.contains(&format!("<strong>{low}</strong> tickets match")),
        "count missing"
    );
    // Navigation shows only what the role may use.
    assert!(!html.contains(">Users<") && html.contains(">Tickets<"));
    let admin = app.login("admin@example.com").await;
    let (_, html) = app.get_html(&admin, "/users").await;
    assert!(html.contains(">Users<") && html.contains("agent@example.com"));
}

/// The HTML escaping Leptos applies to text.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[tokio::test]
async fn the_ticket_page_shows_the_words_behind_its_sentiment() {
    let app = spawn_app(0).await;
    let token = app.api_token("agent@example.com").await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/tickets", app.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "external_id": "why",
            "subject": "Pairing",
            "body": "The app is not good and the support was terrible.",
            "customer_email": "why@example.com",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    app.run_jobs().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM tickets WHERE external_id = 'why'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let client = app.login("agent@example.com").await;
    let (_, html) = app.get_html(&client, &format!("/tickets/{id}")).await;
    let why = html
        .split("data-testid=\"evidence\"")
        .nth(1)
        .expect("the page explains the label");
    let why = &why[..why.find("</p>").unwrap()];
    assert!(why.contains("terrible -"), "{why}");
    assert!(why.contains("good -") && why.contains("(negated)"), "{why}");
}
