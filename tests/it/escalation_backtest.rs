//! A backtest of a draft rule version over stored tickets counts what a person checked by hand,
//! replaying each conversation in time order against the active version.

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
    let report = rules_page::backtest(&app.pool, (9, &rules), None, 10, &sla)
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

/// Adds a later message to ticket `id`, `minutes` after it opened.
async fn message(app: &crate::common::TestApp, id: i64, kind: &str, minutes: i64, body: &str) {
    sqlx::query(
        "INSERT INTO messages (ticket_id, kind, channel, created_at, body)
         SELECT id, $2, channel, created_at + make_interval(mins => $3::int), $4
         FROM tickets WHERE id = $1",
    )
    .bind(id)
    .bind(kind)
    .bind(minutes as i32)
    .bind(body)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_replay_in_time_order_says_which_version_escalates_first() {
    let app = spawn_app(0).await;
    let opened = |h: i64| Utc::now() - Duration::hours(h);
    let t = |text, h| T {
        text,
        created: opened(h),
        ..T::default()
    };
    // A: refund at message 2, lawyer at message 3 (the draft is one message earlier).
    let a = ticket(&app, t("My order is late", 10)).await;
    message(&app, a, "customer", 60, "I want a refund").await;
    message(&app, a, "agent", 90, "We are on it.").await;
    message(&app, a, "customer", 120, "I will call my lawyer").await;
    // B: both at the opening message.
    ticket(&app, t("lawyer letter incoming, refund now", 9)).await;
    // C: only the active version, at message 2.
    let c = ticket(&app, t("hello there", 8)).await;
    message(&app, c, "customer", 30, "my lawyer will write").await;
    // D: only the draft, at the opening; E: neither.
    ticket(&app, t("refund please", 7)).await;
    ticket(&app, t("all good", 6)).await;

    let keyword = |id, name: &str, term: &str| {
        rule(
            id,
            name,
            Combine::Any,
            vec![Condition::Keywords {
                terms: vec![term.into()],
            }],
        )
    };
    let active = vec![keyword(1, "Legal", "lawyer")];
    let draft = vec![keyword(1, "Refund", "refund")];
    let sla = db::sla::settings(&app.pool).await.unwrap();
    let report = rules_page::backtest(&app.pool, (7, &draft), Some((6, &active)), 10, &sla)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((report.tickets, report.total.fired), (5, 3), "A, B and D");
    assert_eq!(report.caught_at_follow_up, 1, "A, at its second message");
    let timing = report.timing.expect("compared with the active version");
    assert_eq!(timing.against, 6);
    assert_eq!(
        (
            timing.both,
            timing.earlier,
            timing.messages_earlier,
            timing.later
        ),
        (2, 1, 1, 0)
    );
    assert_eq!((timing.only_this, timing.only_active), (1, 1));
}
