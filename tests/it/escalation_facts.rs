//! Rules that read stored facts escalate: repeat contact, VIP customers, priority, sentiment and
//! SLA risk, each with the due times of its SLA policy.

use crate::common::spawn_app;
use crate::escalation::{activate, escalated, rule, ticket, T};
use chrono::{DateTime, Duration, Utc};
use ticketlens::domain::rules::{Combine, Condition};
use ticketlens::domain::Priority;

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
