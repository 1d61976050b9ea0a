//! Escalation end to end against a real database: the analysis job escalates by every rule kind, rules are versioned, backtests count by hand, claims race, and escalated tickets never get an automatic reply.

use crate::common;
use chrono::{DateTime, Duration, Utc};
use common::{spawn_app, TestApp};
use ticketlens::domain::rules::{Combine, Condition, Rule, Severity};
use ticketlens::domain::Priority;
use ticketlens::features::rules::server as rules_page;
use ticketlens::server::db;
use ticketlens::server::db::escalations::Claim;

/// A ticket to insert; the insert trigger queues its analysis.
struct T<'a> {
    text: &'a str,
    priority: &'a str,
    status: &'a str,
    customer: Option<&'a str>,
    created: DateTime<Utc>,
    gold: Option<bool>,
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

async fn ticket(app: &TestApp, t: T<'_>) -> i64 {
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

async fn escalated(app: &TestApp, id: i64) -> Option<(String, i32)> {
    sqlx::query_as("SELECT queue, rule_version FROM escalations WHERE ticket_id = $1")
        .bind(id)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

fn rule(id: u32, name: &str, combine: Combine, conditions: Vec<Condition>) -> Rule {
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
async fn activate(app: &TestApp, rules: Vec<Rule>) -> i32 {
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
async fn repeat_contact_vip_priority_sentiment_and_sla_rules_escalate_from_stored_facts() {
    let app = spawn_app(0).await;
    activate(
        &app,
        vec![
            rule(
                1,
                "Repeat",
                Combine::Any,
                vec![Condition::RepeatContact {
                    tickets: 3,
                    days: 7,
                }],
            ),
            rule(
                2,
                "Vip",
                Combine::All,
                vec![
                    Condition::Vip,
                    Condition::PriorityIn {
                        priorities: vec![Priority::High],
                    },
                ],
            ),
            rule(
                3,
                "Angry",
                Combine::Any,
                vec![Condition::SentimentAtMost { threshold: -0.5 }],
            ),
            rule(
                4,
                "Sla",
                Combine::All,
                vec![
                    Condition::PriorityIn {
                        priorities: vec![Priority::Urgent],
                    },
                    Condition::SlaRisk { percent: 80 },
                ],
            ),
        ],
    )
    .await;
    let now = Utc::now();
    let days_ago = |d: i64| now - Duration::days(d);
    // Three tickets in a week from one customer: the third escalates; an older one does not count.
    ticket(
        &app,
        T {
            customer: Some("jo"),
            created: days_ago(30),
            ..T::default()
        },
    )
    .await;
    let first = ticket(
        &app,
        T {
            customer: Some("jo"),
            created: days_ago(5),
            ..T::default()
        },
    )
    .await;
    ticket(
        &app,
        T {
            customer: Some("jo"),
            created: days_ago(3),
            ..T::default()
        },
    )
    .await;
    let third = ticket(
        &app,
        T {
            customer: Some("jo"),
            created: days_ago(1),
            ..T::default()
        },
    )
    .await;
    sqlx::query("INSERT INTO customers (source, external_ref, vip) VALUES ('test', 'boss', true)")
        .execute(&app.pool)
        .await
        .unwrap();
    let vip_low = ticket(
        &app,
        T {
            customer: Some("boss"),
            priority: "low",
            ..T::default()
        },
    )
    .await;
    let vip_high = ticket(
        &app,
        T {
            customer: Some("boss"),
            priority: "high",
            ..T::default()
        },
    )
    .await;
    let angry = ticket(
        &app,
        T {
            text: "This is terrible, awful, the worst service ever!!!",
            ..T::default()
        },
    )
    .await;
    // Urgent policies run around the clock with 60 minutes to respond: 2 hours is 200%.
    let late = ticket(
        &app,
        T {
            priority: "urgent",
            created: now - Duration::hours(2),
            ..T::default()
        },
    )
    .await;
    let fresh = ticket(
        &app,
        T {
            priority: "urgent",
            created: now - Duration::minutes(10),
            ..T::default()
        },
    )
    .await;
    app.run_jobs().await;

    assert_eq!(escalated(&app, first).await, None);
    assert_eq!(
        escalated(&app, third).await.map(|e| e.0),
        Some("repeat".into())
    );
    assert_eq!(escalated(&app, vip_low).await, None);
    assert_eq!(
        escalated(&app, vip_high).await.map(|e| e.0),
        Some("vip".into())
    );
    assert_eq!(
        escalated(&app, angry).await.map(|e| e.0),
        Some("angry".into())
    );
    assert_eq!(escalated(&app, late).await.map(|e| e.0), Some("sla".into()));
    assert_eq!(escalated(&app, fresh).await, None);
    let (created, due): (DateTime<Utc>, DateTime<Utc>) = sqlx::query_as(
        "SELECT t.created_at, e.first_response_due FROM escalations e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.ticket_id = $1",
    )
    .bind(late)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(due - created, Duration::minutes(60));
}

#[tokio::test]
async fn backtest_counts_match_a_hand_checked_fixture() {
    let app = spawn_app(0).await;
    let now = Utc::now();
    let recent = |h: i64| now - Duration::hours(h);
    let fixture = [
        ("I will call my lawyer", Some(true)),       // Legal: TP
        ("my lawyer says refund me", Some(true)),    // Legal + Refund: TP for both
        ("refund please", Some(false)),              // Refund: FP
        ("the lawyer in me is amused", Some(false)), // Legal: FP
        ("cancel everything now", Some(true)),       // missed by both: FN
        ("thanks for the refund", None),             // Refund fires, unlabelled
        ("all good", Some(false)),                   // nothing: TN
    ];
    for (i, (text, gold)) in fixture.iter().enumerate() {
        ticket(
            &app,
            T {
                text,
                gold: *gold,
                status: "resolved",
                created: recent(i as i64 + 1),
                ..T::default()
            },
        )
        .await;
    }
    // Outside the 10-day window: never counted.
    ticket(
        &app,
        T {
            text: "lawyer",
            gold: Some(true),
            created: now - Duration::days(20),
            ..T::default()
        },
    )
    .await;
    let rules = vec![
        rule(
            1,
            "Legal",
            Combine::Any,
            vec![Condition::Keywords {
                terms: vec!["lawyer".into()],
            }],
        ),
        rule(
            2,
            "Refund",
            Combine::Any,
            vec![Condition::Keywords {
                terms: vec!["refund".into()],
            }],
        ),
    ];
    let sla = db::sla::settings(&app.pool).await.unwrap();
    let report = rules_page::backtest(&app.pool, 9, &rules, 10, &sla)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (report.tickets, report.labelled, report.known_escalations),
        (7, 6, 3)
    );
    let t = &report.total;
    assert_eq!(
        (
            t.fired,
            t.true_positives,
            t.false_positives,
            t.false_negatives
        ),
        (5, 2, 2, 1)
    );
    let legal = &report.rules[0];
    assert_eq!(
        (
            legal.fired,
            legal.true_positives,
            legal.false_positives,
            legal.false_negatives
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(legal.precision(), Some(2.0 / 3.0));
    let refund = &report.rules[1];
    assert_eq!(
        (
            refund.fired,
            refund.true_positives,
            refund.false_positives,
            refund.false_negatives
        ),
        (3, 1, 1, 2)
    );
    assert_eq!(refund.recall(), Some(1.0 / 3.0));
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
            db::escalations::claim(&app.pool, id, agent),
            db::escalations::claim(&app.pool, id, manager)
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
