//! A backtest of a draft rule version over stored tickets counts what a person checked by hand.

use crate::common::spawn_app;
use crate::escalation::{rule, ticket, T};
use chrono::{Duration, Utc};
use ticketlens::domain::rules::{Combine, Condition};
use ticketlens::features::rules::server as rules_page;
use ticketlens::server::db;

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
