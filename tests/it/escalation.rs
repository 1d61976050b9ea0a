//! Escalation end to end against a real database: keyword rules escalate once and block automatic replies, rule versions apply to new tickets, and two agents claiming at once (facts-based rules and backtests are in `escalation_facts` and `escalation_backtest`).

use crate::common;
use chrono::{DateTime, Duration, Utc};
use common::{spawn_app, TestApp};
use ticketlens::domain::rules::{Combine, Condition, Rule, Severity};
use ticketlens::server::db;
use ticketlens::server::db::escalations::Claim;
use ticketlens::server::pipeline::escalation::workflow;

/// A ticket to insert; the insert trigger queues its analysis.
pub(crate) struct T<'a> {
    pub(crate) text: &'a str,
    pub(crate) priority: &'a str,
    pub(crate) status: &'a str,
    pub(crate) customer: Option<&'a str>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) gold: Option<bool>,
}

impl Default for T<'_> {
    fn default() -> Self {
        T {
            text: "Where is my parcel?",
            priority: "medium",
            status: "open",
            customer: None,
            created: Utc::now() - Duration::minutes(5),
            gold: None,
        }
    }
}

pub(crate) async fn ticket(app: &TestApp, t: T<'_>) -> i64 {
    let customer: Option<i64> = match t.customer {
        Some(name) => Some(
            sqlx::query_scalar(
                "INSERT INTO customers (source, external_ref, name) VALUES ('test', $1, $1)
                 ON CONFLICT (source, external_ref) DO UPDATE SET name = EXCLUDED.name
                 RETURNING id",
            )
            .bind(name)
            .fetch_one(&app.pool)
            .await
            .unwrap(),
        ),
        None => None,
    };
    sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, customer_id, subject, body, channel, priority,
                              status, created_at, gold_escalate)
         VALUES ('test', gen_random_uuid()::text, $1, '', $2, 'email', $3, $4, $5, $6)
         RETURNING id",
    )
    .bind(customer)
    .bind(t.text)
    .bind(t.priority)
    .bind(t.status)
    .bind(t.created)
    .bind(t.gold)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

pub(crate) async fn escalated(app: &TestApp, id: i64) -> Option<(String, i32)> {
    sqlx::query_as("SELECT queue, rule_version FROM escalations WHERE ticket_id = $1")
        .bind(id)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

pub(crate) fn rule(id: u32, name: &str, combine: Combine, conditions: Vec<Condition>) -> Rule {
    Rule {
        id,
        name: name.into(),
        enabled: true,
        combine,
        severity: Severity::High,
        queue: name.to_lowercase(),
        conditions,
    }
}

/// Replaces the rules with a new active version; returns its number.
pub(crate) async fn activate(app: &TestApp, rules: Vec<Rule>) -> i32 {
    let admin = app.user_id("admin@example.com").await;
    let draft = db::rules::ensure_draft(&app.pool, admin).await.unwrap();
    assert!(db::rules::save_draft(&app.pool, draft.id, &rules, "test")
        .await
        .unwrap());
    db::rules::activate(&app.pool, draft.id, admin)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn keyword_ticket_lands_in_the_inbox_once_and_never_gets_an_automatic_reply() {
    let app = spawn_app(0).await;
    let angry = ticket(
        &app,
        T {
            text: "Fix this or my LAWYER will hear about it.",
            ..T::default()
        },
    )
    .await;
    let calm = ticket(
        &app,
        T {
            text: "How do I change my delivery address?",
            ..T::default()
        },
    )
    .await;
    app.run_jobs().await;

    assert_eq!(escalated(&app, angry).await, Some(("legal".into(), 1)));
    assert_eq!(escalated(&app, calm).await, None);
    let (flag, reasons): (bool, serde_json::Value) =
        sqlx::query_as("SELECT escalate, escalation FROM ticket_analysis WHERE ticket_id = $1")
            .bind(angry)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(flag);
    let span = &reasons["fired"][0]["reasons"][0]["spans"][0];
    assert_eq!(
        (span["start"].as_u64(), span["end"].as_u64()),
        (Some(15), Some(21)),
        "{reasons}"
    );
    assert_eq!(
        db::events::count_for(&app.pool, "escalation.created", angry)
            .await
            .unwrap(),
        1
    );

    // Analysing again (a retried job, a re-run backfill) opens nothing twice.
    sqlx::query(
        "UPDATE jobs SET status = 'queued', run_after = now() WHERE kind = 'analyse_ticket'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.run_jobs().await;
    assert_eq!(
        db::events::count_for(&app.pool, "escalation.created", angry)
            .await
            .unwrap(),
        1
    );
    let trail = db::activity::of_ticket(&app.pool, angry).await.unwrap();
    assert_eq!(trail.iter().filter(|a| a.kind == "escalated").count(), 1);

    // The pipeline may reply automatically to the calm ticket, never to the escalated one.
    assert!(
        db::responses::send_automatic(&app.pool, calm, "template", "Here is how.")
            .await
            .is_ok()
    );
    let refused = db::responses::send_automatic(&app.pool, angry, "template", "Thanks!").await;
    assert!(refused.unwrap_err().to_string().contains("escalated"));
}

#[tokio::test]
async fn new_rule_versions_apply_to_new_tickets_and_negation_is_respected() {
    let app = spawn_app(0).await;
    let before = ticket(
        &app,
        T {
            text: "URGENT: the app crashes",
            ..T::default()
        },
    )
    .await;
    app.run_jobs().await;
    assert_eq!(
        escalated(&app, before).await,
        None,
        "version 1 has no rule on 'urgent'"
    );

    let words = Condition::Keywords {
        terms: vec!["urgent".into()],
    };
    let version = activate(&app, vec![rule(1, "Urgent", Combine::Any, vec![words])]).await;
    assert_eq!(version, 2);
    let after = ticket(
        &app,
        T {
            text: "URGENT: the app crashes",
            ..T::default()
        },
    )
    .await;
    let negated = ticket(
        &app,
        T {
            text: "This is not urgent, but the app crashes",
            ..T::default()
        },
    )
    .await;
    let accented = ticket(
        &app,
        T {
            text: "Ürgent!!! app crashes",
            ..T::default()
        },
    )
    .await;
    app.run_jobs().await;
    assert_eq!(escalated(&app, after).await, Some(("urgent".into(), 2)));
    assert_eq!(escalated(&app, negated).await, None);
    assert_eq!(escalated(&app, accented).await, Some(("urgent".into(), 2)));
    let versions = db::rules::list(&app.pool).await.unwrap();
    let statuses: Vec<(i32, &str)> = versions
        .iter()
        .map(|v| (v.version, v.status.as_str()))
        .collect();
    assert_eq!(statuses, [(2, "active"), (1, "retired")]);
}

#[tokio::test]
async fn two_agents_claiming_at_once_exactly_one_wins_and_the_other_learns_who() {
    let app = spawn_app(0).await;
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(
            ticket(
                &app,
                T {
                    text: "Chargeback is coming, my lawyer agrees",
                    ..T::default()
                },
            )
            .await,
        );
    }
    app.run_jobs().await;
    let agent = app.user_id("agent@example.com").await;
    let manager = app.user_id("manager@example.com").await;
    for id in ids {
        let (a, b) = tokio::join!(
            workflow::claim(&app.pool, id, agent),
            workflow::claim(&app.pool, id, manager)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let winners = [&a, &b].iter().filter(|c| ***c == Claim::Claimed).count();
        assert_eq!(winners, 1, "ticket {id}: {a:?} / {b:?}");
        let loser = if a == Claim::Claimed { b } else { a };
        assert!(matches!(loser, Claim::Taken(ref n) if n == "Alex Agent" || n == "Max Manager"));
        let claims: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM escalation_activity WHERE ticket_id = $1 AND kind = 'claimed'",
        )
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(claims, 1);
    }
}
