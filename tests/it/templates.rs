//! Reply templates over HTTP: versions per category, unknown variables refused at save time with
//! their place, the "*" fallback, and a preview filled from a real ticket.

use crate::common;
use common::spawn_app;

#[tokio::test]
async fn templates_are_versioned_validated_and_previewed_on_a_ticket() {
    let app = spawn_app(0).await;
    let customer: i64 = sqlx::query_scalar(
        "INSERT INTO customers (external_ref, name) VALUES ('c-1', 'Ana Lima') RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let ticket: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, customer_id, subject, body, channel, priority, status, category, created_at)
         VALUES ('test', 't-1', $1, 'Charged twice', 'I was billed twice', 'email', 'low', 'open', 'billing', now())
         RETURNING id",
    )
    .bind(customer)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let admin = app.login("admin@example.com").await;

    // The starter "*" template fits a ticket whose category has none.
    let (status, html) = app
        .get_html(&admin, &format!("/templates?preview_ticket={ticket}"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Hi Ana Lima,"), "{html}");
    assert!(html.contains(&format!("ticket #{ticket}")), "{html}");
    assert!(
        html.contains("Ada Admin"),
        "signed by the previewing admin: {html}"
    );

    // A bad variable is refused with its line and column; nothing is stored.
    let res = admin
        .post(format!("{}/api/templates/save", app.base))
        .form(&[
            ("category", "billing"),
            (
                "body",
                "Hello {{customer_name}},\nyour {{order_no}} is refunded.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Line 2, column 6: unknown variable {{order_no}}"),
        "{body}"
    );

    for text in [
        "Dear {{customer_name}}, your refund for {{product}} is on its way.",
        "Hi {{customer_name}}: refund sent. {{agent_name}}",
    ] {
        let (s, loc) = app
            .post_form(
                &admin,
                "/api/templates/save",
                &[("category", "billing"), ("body", text), ("note", "")],
            )
            .await;
        assert_eq!(s, 302, "{loc}");
    }
    let versions: Vec<i32> = sqlx::query_scalar(
        "SELECT version FROM reply_templates WHERE category = 'billing' ORDER BY version",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(versions, [1, 2]);
    let (_, html) = app
        .get_html(&admin, &format!("/templates?preview_ticket={ticket}"))
        .await;
    assert!(
        html.contains("Hi Ana Lima: refund sent. Ada Admin"),
        "the newest billing version: {html}"
    );

    let agent = app.login("agent@example.com").await;
    let (s, _) = app
        .post_form(
            &agent,
            "/api/templates/save",
            &[("category", "billing"), ("body", "x")],
        )
        .await;
    assert_eq!(s, 403);
}
