//! Escalation by hand: an agent escalates a ticket no rule caught and sends back one the rules
//! escalated, each with a reason; both count as gold decisions in the rules' backtest, and a
//! ticket sent back may receive automatic replies again.

use crate::common::spawn_app;
use crate::escalation::{activate, rule, ticket, T};
use ticketlens::domain::rules::{Combine, Condition};
use ticketlens::features::rules::server as rules_page;
use ticketlens::server::db;

#[tokio::test]
async fn agents_escalate_and_de_escalate_with_reasons_and_the_backtest_counts_both() {
    let app = spawn_app(0).await;
    let legal = vec![rule(
        1,
        "Legal",
        Combine::Any,
        vec![Condition::Keywords {
            terms: vec!["lawyer".into()],
        }],
    )];
    activate(&app, legal.clone()).await;
    let caught = ticket(
        &app,
        T {
            text: "The lawyer joke in your ad made me laugh",
            ..T::default()
        },
    )
    .await;
    let missed = ticket(
        &app,
        T {
            text: "Third time I ask: my account was charged twice",
            priority: "high",
            ..T::default()
        },
    )
    .await;
    app.run_jobs().await;
    let sla = db::sla::settings(&app.pool).await.unwrap();
    let before = rules_page::backtest(&app.pool, (2, &legal), None, 10, &sla)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (before.labelled, before.total.fired),
        (0, 1),
        "nothing judged yet"
    );

    let agent = app.login("agent@example.com").await;
    // A reason is required.
    let res = agent
        .post(format!("{}/api/escalation/escalate", app.base))
        .form(&[
            ("ticket_id", missed.to_string().as_str()),
            ("queue", "general"),
            ("reason", " "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    // Only into a queue the team has.
    let res = agent
        .post(format!("{}/api/escalation/escalate", app.base))
        .form(&[
            ("ticket_id", missed.to_string().as_str()),
            ("queue", "biling"),
            ("reason", "typo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("no queue named"));
    let (status, location) = app
        .post_form(
            &agent,
            "/api/escalation/escalate",
            &[
                ("ticket_id", &missed.to_string()),
                ("queue", "general"),
                ("reason", "charged twice and asked three times"),
            ],
        )
        .await;
    assert_eq!(status, 302, "{location}");
    let (status, _) = app
        .post_form(
            &agent,
            "/api/escalation/de-escalate",
            &[
                ("ticket_id", &caught.to_string()),
                ("reason", "a joke, not a threat"),
            ],
        )
        .await;
    assert_eq!(status, 302);

    let rows: Vec<(i64, String, String, String, Option<bool>)> = sqlx::query_as(
        "SELECT ticket_id, status, origin, queue, verdict FROM escalations ORDER BY ticket_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            (
                caught,
                "de_escalated".into(),
                "rules".into(),
                "legal".into(),
                Some(false)
            ),
            (
                missed,
                "open".into(),
                "manual".into(),
                "general".into(),
                Some(true)
            ),
        ]
    );
    // The analytics count the one escalated by hand and no longer the one sent back.
    let counted = || async {
        let facts: Vec<(i64, bool)> = sqlx::query_as(
            "SELECT ticket_id, escalated FROM ticket_facts
             WHERE ticket_id = ANY($1) ORDER BY ticket_id",
        )
        .bind([caught, missed])
        .fetch_all(&app.pool)
        .await
        .unwrap();
        let daily: i64 = sqlx::query_scalar(
            "SELECT coalesce(sum(escalated_n), 0) FROM rollup_daily WHERE g = 15",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap();
        (facts, daily)
    };
    assert_eq!(counted().await, (vec![(caught, false), (missed, true)], 1));
    let trail: Vec<(String, String)> = sqlx::query_as(
        "SELECT kind, body FROM escalation_activity WHERE actor_id IS NOT NULL ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        trail,
        [
            (
                "escalated".into(),
                "by hand to general: charged twice and asked three times".into()
            ),
            ("de_escalated".into(), "a joke, not a threat".into()),
        ]
    );
    // The manual escalation's SLA clock starts when it is made, and the integrations hear of it.
    let (first, escalated): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as(
            "SELECT first_response_due, created_at FROM escalations WHERE ticket_id = $1",
        )
        .bind(missed)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(first > escalated);
    let events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM events WHERE kind = 'escalation.created' AND ticket_id = $1",
    )
    .bind(missed)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(events, 1);

    // The backtest now knows both: the rule's alarm was false, and it missed one.
    let after = rules_page::backtest(&app.pool, (2, &legal), None, 10, &sla)
        .await
        .unwrap()
        .unwrap();
    let t = &after.total;
    assert_eq!(after.labelled, 2);
    assert_eq!(
        (
            t.fired,
            t.true_positives,
            t.false_positives,
            t.false_negatives
        ),
        (1, 0, 1, 1)
    );
    assert_eq!((t.precision(), t.recall()), (Some(0.0), Some(0.0)));

    // Sent back, the ticket may get an automatic reply; the escalated one may not.
    let auto = |id: i64| {
        sqlx::query(
            "INSERT INTO responses (ticket_id, method, body, status, delivery, sent_at)
             VALUES ($1, 'template', 'Thanks!', 'sent', 'manual', now())",
        )
        .bind(id)
        .execute(&app.pool)
    };
    assert!(auto(caught).await.is_ok());
    assert!(auto(missed).await.is_err());
    // A draft an agent approves (it has an author) may still be sent on an escalated ticket.
    let approver = app.user_id("agent@example.com").await;
    sqlx::query(
        "INSERT INTO responses (ticket_id, method, body, status, delivery, sent_at, author_id)
         VALUES ($1, 'template', 'Sorry, refunded.', 'sent', 'manual', now(), $2)",
    )
    .bind(missed)
    .bind(approver)
    .execute(&app.pool)
    .await
    .unwrap();

    // De-escalating twice, or escalating an open escalation again, is refused in a sentence.
    let res = agent
        .post(format!("{}/api/escalation/de-escalate", app.base))
        .form(&[
            ("ticket_id", caught.to_string().as_str()),
            ("reason", "again"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let res = agent
        .post(format!("{}/api/escalation/escalate", app.base))
        .form(&[
            ("ticket_id", missed.to_string().as_str()),
            ("queue", "general"),
            ("reason", "again"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("already"));

    // Escalated again after all, the ticket sent back counts again.
    let (status, _) = app
        .post_form(
            &agent,
            "/api/escalation/escalate",
            &[
                ("ticket_id", &caught.to_string()),
                ("queue", "legal"),
                ("reason", "the customer repeated the threat"),
            ],
        )
        .await;
    assert_eq!(status, 302);
    assert_eq!(counted().await, (vec![(caught, true), (missed, true)], 2));
}
