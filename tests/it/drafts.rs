//! Similar tickets and reply drafts over a hand-made fixture: the nearest resolved ticket by
//! pgvector search, a retrieval draft built from its reply, no draft for an escalated ticket, and
//! agents sending drafts unchanged or edited, or rejecting them, counted in the acceptance table.

use crate::common;
use common::{spawn_app, TestApp};
use ticketlens::server::db;

/// A ticket of customer `customer` in product `product`; resolved ones carry `reply`.
async fn ticket(
    app: &TestApp,
    product: &str,
    subject: &str,
    body: &str,
    reply: Option<&str>,
) -> i64 {
    let product_id: i64 = sqlx::query_scalar(
        "INSERT INTO products (name) VALUES ($1)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
    )
    .bind(product)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let status = if reply.is_some() { "resolved" } else { "open" };
    sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, product_id, subject, body, channel, priority,
                              status, agent_reply, csat, created_at, resolved_at)
         VALUES ('test', gen_random_uuid()::text, $1, $2, $3, 'email', 'low', $4, $5,
                 CASE WHEN $5 IS NULL THEN NULL ELSE 5 END, now() - interval '1 hour',
                 CASE WHEN $5 IS NULL THEN NULL ELSE now() END)
         RETURNING id",
    )
    .bind(product_id)
    .bind(subject)
    .bind(body)
    .bind(status)
    .bind(reply)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

struct Fixture {
    refund_resolved: i64,
    password_resolved: i64,
    refund_open: i64,
    password_open: i64,
    delivery_open: i64,
    escalated_open: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let refund_resolved = ticket(
        app,
        "Aero Buds",
        "Refund for returned earbuds",
        "I sent the earbuds back last week. When will I get my money back?",
        Some("Hi Bo,\n\nThanks for waiting. Your refund for the returned earbuds was issued today and reaches your card within 5 business days.\n\nBest regards,\nTom"),
    )
    .await;
    let password_resolved = ticket(
        app,
        "Home Hub",
        "Cannot log in",
        "The password reset e-mail never arrives and I cannot log in to my account.",
        Some("Hello Kim,\n\nI sent a new password reset link; it expires in one hour, so please use it soon.\n\nCheers,\nAna"),
    )
    .await;
    ticket(
        app,
        "Home Hub",
        "Setup question",
        "How do I connect the hub to my wifi network during setup?",
        Some("Hi Lee,\n\nHold the button for ten seconds and pick your network in the app.\n\nBest,\nTom"),
    )
    .await;
    let refund_open = ticket(
        app,
        "Aero Buds",
        "Where is my refund?",
        "I returned my earbuds ten days ago and still have not received the refund.",
        None,
    )
    .await;
    let password_open = ticket(
        app,
        "Home Hub",
        "Password reset not working",
        "I asked for a password reset twice but no e-mail came, so I still cannot log in.",
        None,
    )
    .await;
    let delivery_open = ticket(
        app,
        "Aero Buds",
        "Parcel never came",
        "My order shows delivered but there is no parcel at my door.",
        None,
    )
    .await;
    let escalated_open = ticket(
        app,
        "Aero Buds",
        "Refund or I call my lawyer",
        "I returned the earbuds a month ago, no refund yet. My lawyer will take legal action.",
        None,
    )
    .await;
    app.run_jobs().await;
    Fixture {
        refund_resolved,
        password_resolved,
        refund_open,
        password_open,
        delivery_open,
        escalated_open,
    }
}

async fn pending_draft(app: &TestApp, ticket_id: i64) -> (i64, String, String) {
    sqlx::query_as(
        "SELECT id, method, body FROM responses WHERE ticket_id = $1 AND status = 'draft'",
    )
    .bind(ticket_id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn similar_resolved_tickets_come_from_vector_search_and_feed_the_draft() {
    let app = spawn_app(0).await;
    let f = fixture(&app).await;

    let near = db::similar::similar(&app.pool, f.refund_open, 5, false)
        .await
        .unwrap();
    assert_eq!(near.len(), 3, "only the three resolved tickets: {near:?}");
    assert_eq!(near[0].id, f.refund_resolved);
    assert!(near[0].similarity > near[1].similarity);
    assert!(near[0].reply.as_deref().unwrap().contains("refund"));
    assert_eq!(near[0].csat, Some(5));
    let near = db::similar::similar(&app.pool, f.password_open, 5, false)
        .await
        .unwrap();
    assert_eq!(near[0].id, f.password_resolved);
    // Same product only: the earbuds ticket's product has one resolved ticket.
    let same = db::similar::similar(&app.pool, f.refund_open, 5, true)
        .await
        .unwrap();
    assert_eq!(
        same.iter().map(|s| s.id).collect::<Vec<_>>(),
        [f.refund_resolved]
    );
    // A ticket not analysed yet has no embedding, hence no neighbours (not rows without a score).
    let fresh = ticket(&app, "Aero Buds", "Refund", "Where is my refund?", None).await;
    let none = db::similar::similar(&app.pool, fresh, 5, false)
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    sqlx::query("DELETE FROM tickets WHERE id = $1")
        .bind(fresh)
        .execute(&app.pool)
        .await
        .unwrap();

    // Open tickets were drafted by retrieval (the default), from the closest reply's answer.
    let (_, method, body) = pending_draft(&app, f.refund_open).await;
    assert_eq!(method, "retrieval");
    assert!(
        body.contains("Your refund for the returned earbuds was issued today"),
        "{body}"
    );
    assert!(
        !body.contains("Hi Bo"),
        "the other customer's greeting is left out: {body}"
    );
    let (_, _, body) = pending_draft(&app, f.password_open).await;
    assert!(body.contains("new password reset link"), "{body}");
    // The escalated ticket got no draft, and resolved tickets none either.
    let drafted: Vec<i64> =
        sqlx::query_scalar("SELECT ticket_id FROM responses ORDER BY ticket_id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(drafted, [f.refund_open, f.password_open, f.delivery_open]);
    assert!(!drafted.contains(&f.escalated_open));

    // The Ticket page's reply part shows both, and why the escalated one has no draft.
    let agent = app.login("agent@example.com").await;
    let res = agent
        .post(format!("{}/api/drafts/assist", app.base))
        .form(&[
            ("ticket_id", f.refund_open.to_string().as_str()),
            ("same_product", "false"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let assist: serde_json::Value = res.json().await.unwrap();
    assert_eq!(assist["similar"][0]["id"], f.refund_resolved);
    assert_eq!(assist["draft"]["method"], "retrieval");
    assert_eq!(assist["draft"]["sources"][1]["id"], f.refund_resolved);
    let (status, html) = app
        .get_html(&agent, &format!("/tickets/{}", f.escalated_open))
        .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Escalated tickets get no automatic draft"),
        "{html}"
    );
}

#[tokio::test]
async fn agents_send_edit_or_reject_drafts_once_and_acceptance_counts_each() {
    let app = spawn_app(0).await;
    let f = fixture(&app).await;
    let agent = app.login("agent@example.com").await;

    // Sent unchanged.
    let (id, _, body) = pending_draft(&app, f.refund_open).await;
    let form = |ticket: i64, draft: i64, key: &'static str, value: String| {
        vec![
            ("ticket_id", ticket.to_string()),
            ("draft_id", draft.to_string()),
            (key, value),
        ]
    };
    let send = |form: Vec<(&'static str, String)>| {
        let agent = agent.clone();
        let url = format!("{}/api/drafts/send", app.base);
        async move {
            agent
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        send(form(f.refund_open, id, "body", body.clone())).await,
        200
    );
    // Sending again, or another ticket's draft, is refused.
    assert_eq!(
        send(form(f.refund_open, id, "body", body.clone())).await,
        400
    );
    let (other, _, other_body) = pending_draft(&app, f.password_open).await;
    assert_eq!(
        send(form(f.refund_open, other, "body", other_body.clone())).await,
        400
    );

    // Sent after an edit: "Hi" → "Hello" is one substitution and three insertions.
    assert!(other_body.starts_with("Hi "), "{other_body}");
    let edited = other_body.replacen("Hi ", "Hello ", 1);
    assert_eq!(
        send(form(f.password_open, other, "body", edited.clone())).await,
        200
    );

    // Rejected with a reason; a reason is required.
    let (third, _, _) = pending_draft(&app, f.delivery_open).await;
    let reject = |form: Vec<(&'static str, String)>| {
        let agent = agent.clone();
        let url = format!("{}/api/drafts/reject", app.base);
        async move {
            agent
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        reject(form(f.delivery_open, third, "reason", " ".into())).await,
        400
    );
    assert_eq!(
        reject(form(
            f.delivery_open,
            third,
            "reason",
            "Wrong facts: the parcel is lost".into()
        ))
        .await,
        200
    );

    let rows: Vec<(i64, String, Option<i32>, Option<String>)> = sqlx::query_as(
        "SELECT ticket_id, status, edit_distance, reject_reason FROM responses ORDER BY ticket_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            (f.refund_open, "sent".into(), Some(0), None),
            (f.password_open, "sent".into(), Some(4), None),
            (
                f.delivery_open,
                "rejected".into(),
                None,
                Some("Wrong facts: the parcel is lost".into())
            ),
        ]
    );
    let first_response: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT first_response_at FROM tickets WHERE id = $1")
            .bind(f.refund_open)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(first_response.is_some());

    let acceptance = db::drafts::acceptance(&app.pool).await.unwrap();
    let total = |pick: fn(&ticketlens::domain::draft::Acceptance) -> i64| {
        acceptance.iter().map(pick).sum::<i64>()
    };
    assert_eq!(total(|r| r.drafted), 3);
    assert_eq!(total(|r| r.sent_unchanged), 1);
    assert_eq!(total(|r| r.sent_edited), 1);
    assert_eq!(total(|r| r.rejected), 1);
    // The parcel ticket has no resolved neighbour close enough: its draft is the plain template.
    assert!(acceptance
        .iter()
        .all(|r| r.method == "retrieval" || r.method == "template"));

    // Managers see the figures beside the evaluation runs.
    let manager = app.login("manager@example.com").await;
    let res = manager
        .post(format!("{}/api/drafts/acceptance", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let shown: serde_json::Value = res.json().await.unwrap();
    let rejected: i64 = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rejected"].as_i64().unwrap())
        .sum();
    assert_eq!(rejected, 1);
    let res = agent
        .post(format!("{}/api/drafts/acceptance", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "agents do not see evaluation figures");
}

#[tokio::test]
async fn a_follow_up_replaces_the_pending_draft_that_answered_an_earlier_message() {
    let app = spawn_app(0).await;
    let f = fixture(&app).await;
    app.run_jobs().await;
    let pending = || async {
        sqlx::query_as::<_, (i64, chrono::DateTime<chrono::Utc>)>(
            "SELECT id, created_at FROM responses WHERE ticket_id = $1 AND status = 'draft'",
        )
        .bind(f.delivery_open)
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let (first, _) = pending().await;
    let token = app.api_token("agent@example.com").await;
    let path = format!("/tickets/{}/messages", f.delivery_open);
    let follow_up = serde_json::json!({"external_id": "f-1", "body": "Any news on my parcel? It is still not here."});
    let (status, body) = app
        .call_api(&token, reqwest::Method::POST, &path, Some(&follow_up))
        .await;
    assert_eq!(status, 201, "{body}");
    app.run_jobs().await;
    let (second, written) = pending().await;
    assert_ne!(first, second, "a new draft for the follow-up");
    let arrived: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "SELECT added_at FROM messages WHERE ticket_id = $1 AND external_id = 'f-1'",
    )
    .bind(f.delivery_open)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(written > arrived, "drafted after the follow-up arrived");
    // The same follow-up again (a retry) changes nothing.
    app.call_api(&token, reqwest::Method::POST, &path, Some(&follow_up))
        .await;
    app.run_jobs().await;
    assert_eq!(pending().await.0, second);
    let drafts: i64 = sqlx::query_scalar("SELECT count(*) FROM responses WHERE ticket_id = $1")
        .bind(f.delivery_open)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(drafts, 1, "one pending draft, never two");
}
