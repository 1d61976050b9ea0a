//! The inbox over HTTP: ordering by SLA, filters, claim conflicts, notes, replies, resolve and reopen, rule validation and roles.

use crate::common;
use chrono::{Duration, Utc};
use common::{spawn_app, TestApp};

async fn escalate(app: &TestApp, text: &str, priority: &str, hours_ago: i64) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, created_at)
         VALUES ('test', gen_random_uuid()::text, 'Help', $1, 'email', $2, 'open', $3) RETURNING id",
    )
    .bind(text)
    .bind(priority)
    .bind(Utc::now() - Duration::hours(hours_ago))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn inbox_lists_breached_first_filters_by_queue_and_works_a_ticket_through() {
    let app = spawn_app(0).await;
    let fresh = escalate(&app, "I was hacked yesterday", "urgent", 0).await;
    let breached = escalate(&app, "My lawyer will call", "urgent", 5).await;
    let billing = escalate(&app, "I filed a chargeback", "high", 1).await;
    app.run_jobs().await;
    let agent = app.login("agent@example.com").await;

    let (status, html) = app.get_html(&agent, "/inbox").await;
    assert_eq!(status, 200);
    let pos = |id: i64| {
        html.find(&format!("data-ticket=\"{id}\""))
            .unwrap_or(usize::MAX)
    };
    assert!(
        pos(breached) < pos(fresh),
        "the breached ticket comes first"
    );
    assert!(html.contains("breached"), "the breach is shown");
    let (_, legal) = app.get_html(&agent, "/inbox?queue=legal").await;
    assert!(legal.contains(&format!("data-ticket=\"{breached}\"")));
    assert!(!legal.contains(&format!("data-ticket=\"{billing}\"")));

    // Claim, then a second agent is told who holds it.
    let id = breached.to_string();
    let (s, loc) = app
        .post_form(&agent, "/api/escalation/claim", &[("ticket_id", &id)])
        .await;
    assert_eq!(
        (s, loc.starts_with(&format!("/tickets/{id}"))),
        (302, true),
        "{loc}"
    );
    let manager = app.login("manager@example.com").await;
    let res = manager
        .post(format!("{}/api/escalation/claim", app.base))
        .form(&[("ticket_id", id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Alex Agent has already claimed"));

    app.post_form(
        &agent,
        "/api/escalation/note",
        &[("ticket_id", &id), ("body", "Called the customer")],
    )
    .await;
    app.post_form(
        &agent,
        "/api/escalation/reply",
        &[("ticket_id", &id), ("body", "We are on it.")],
    )
    .await;
    let (s, _) = app
        .post_form(
            &agent,
            "/api/escalation/resolve",
            &[("ticket_id", &id), ("needed", "no"), ("note", "")],
        )
        .await;
    assert_eq!(s, 302);
    let (status, verdict, answered): (String, Option<bool>, bool) = sqlx::query_as(
        "SELECT t.status, e.verdict, e.first_response_at IS NOT NULL AND t.first_response_at IS NOT NULL
         FROM escalations e JOIN tickets t ON t.id = e.ticket_id WHERE e.ticket_id = $1",
    )
    .bind(breached)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), verdict, answered),
        ("resolved", Some(false), true)
    );
    let delivery: String =
        sqlx::query_scalar("SELECT delivery FROM responses WHERE ticket_id = $1")
            .bind(breached)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(delivery, "manual");

    let (_, page) = app.get_html(&agent, &format!("/tickets/{id}")).await;
    for expected in [
        "claimed",
        "Called the customer",
        "We are on it.",
        "resolved",
        "<mark>lawyer</mark>",
    ] {
        assert!(page.contains(expected), "the ticket page shows {expected}");
    }
    let (s, _) = app
        .post_form(&agent, "/api/escalation/reopen", &[("ticket_id", &id)])
        .await;
    assert_eq!(s, 302);
    let status: String = sqlx::query_scalar("SELECT status FROM escalations WHERE ticket_id = $1")
        .bind(breached)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "open");
}

#[tokio::test]
async fn a_bad_regex_is_refused_at_save_time_and_only_admins_edit_rules() {
    let app = spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let form = [
        ("form[name]", "Broken"),
        ("form[severity]", "high"),
        ("form[queue]", "legal"),
        ("form[combine]", "any"),
        ("form[regexes]", "order (\\d+"),
    ];
    let res = admin
        .post(format!("{}/api/rules/save", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("Broken") && body.contains("order (\\\\d+"),
        "{body}"
    );
    let drafts: i64 = sqlx::query_scalar("SELECT count(*) FROM rule_versions WHERE status = 'draft' AND jsonb_array_length(rules) > 9")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(drafts, 0, "nothing was saved");

    let good = [
        ("form[name]", "Orders"),
        ("form[severity]", "low"),
        ("form[queue]", "orders"),
        ("form[combine]", "any"),
        ("form[enabled]", "on"),
        ("form[regexes]", "order #\\d{5}"),
    ];
    let (s, loc) = app.post_form(&admin, "/api/rules/save", &good).await;
    assert_eq!(s, 302, "{loc}");
    assert!(loc.contains("draft+version+2"), "{loc}");

    let agent = app.login("agent@example.com").await;
    let (s, _) = app.post_form(&agent, "/api/rules/save", &good).await;
    assert_eq!(s, 403);
    let (s, _) = app.get_html(&agent, "/rules").await;
    assert_eq!(s, 403);
    let (s, _) = app.get_html(&agent, "/inbox").await;
    assert_eq!(s, 200);
}

/// After client-side navigation the browser calls the page's data function with every filter
/// unset, which encodes to an empty body; that must load the page, not fail to deserialize.
#[tokio::test]
async fn page_data_functions_accept_an_empty_query() {
    let app = spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    for path in ["/api/rules", "/api/inbox"] {
        let res = admin
            .post(format!("{}{path}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert_eq!(status, 200, "{path}: {body}");
    }
    // Business hours with no working day ticked: a clear refusal, not a missing-field error.
    let res = admin
        .post(format!("{}/api/rules/hours", app.base))
        .form(&[
            ("start", "09:00"),
            ("end", "17:00"),
            ("utc_offset_minutes", "0"),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let body = res.text().await.unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("need a working day"), "{body}");
}
