//! A queue with business hours of its own: managers set them on the Team page, and escalations
//! into that queue (by the rules or by hand) count their SLA clocks in them, not the team's.

use crate::common::{spawn_app, TestApp};
use chrono::{DateTime, Utc};
use ticketlens::domain::calendar::Calendar;
use ticketlens::domain::sla::BusinessHours;
use ticketlens::server::db;

async fn dues(app: &TestApp, ticket: i64) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
    sqlx::query_as(
        "SELECT e.created_at, e.first_response_due, t.created_at
         FROM escalations e JOIN tickets t ON t.id = e.ticket_id WHERE e.ticket_id = $1",
    )
    .bind(ticket)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn ticket(app: &TestApp, body: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, created_at)
         VALUES ('test', gen_random_uuid()::text, 'Help', $1, 'email', 'high', 'open', now())
         RETURNING id",
    )
    .bind(body)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn escalations_into_a_queue_with_its_own_hours_count_in_them() {
    let app = spawn_app(0).await;
    db::queues::ensure(&app.pool, &["legal".to_string()])
        .await
        .unwrap();
    let manager = app.login("manager@example.com").await;
    // Tokyo, Monday to Friday 09:00-18:00 local (00:00-09:00 UTC); the team works 09:00-17:00 UTC.
    let form = [
        ("queue", "legal"),
        ("own", "yes"),
        ("time_zone", "Asia/Tokyo"),
        ("start", "09:00"),
        ("end", "18:00"),
        ("days[0]", "0"),
        ("days[1]", "1"),
        ("days[2]", "2"),
        ("days[3]", "3"),
        ("days[4]", "4"),
        ("holidays", ""),
    ];
    let (status, location) = app.post_form(&manager, "/api/team/hours", &form).await;
    assert_eq!(status, 302, "{location}");
    assert!(location.contains("Asia%2FTokyo"), "{location}");

    let sla = db::sla::settings(&app.pool).await.unwrap();
    let tokyo = db::sla::zone("Asia/Tokyo").unwrap();
    let own = BusinessHours {
        time_zone: "Asia/Tokyo".into(),
        start_minute: 9 * 60,
        end_minute: 18 * 60,
        ..BusinessHours::default()
    };
    let policy = sla.policy("high");

    // By the rules: the ticket's clock starts at its creation, in Tokyo's hours.
    let by_rules = ticket(&app, "My lawyer will call you about this.").await;
    app.run_jobs().await;
    let (_, due, created) = dues(&app, by_rules).await;
    let (expected, _) = policy.due(created, &Calendar::in_zone(&own, &tokyo));
    let (team, _) = policy.due(created, &sla.calendar());
    assert_eq!(due, expected);
    assert_ne!(due, team, "the team's hours would give another due time");

    // By hand: the clock starts when it is escalated, in Tokyo's hours.
    let by_hand = ticket(&app, "Please call me back.").await;
    let agent = app.login("agent@example.com").await;
    let id = by_hand.to_string();
    let (status, _) = app
        .post_form(
            &agent,
            "/api/escalation/escalate",
            &[
                ("ticket_id", &id),
                ("queue", "legal"),
                ("reason", "asked for a call"),
            ],
        )
        .await;
    assert_eq!(status, 302);
    let (escalated, due, _) = dues(&app, by_hand).await;
    let (expected, _) = policy.due(escalated, &Calendar::in_zone(&own, &tokyo));
    assert_eq!(due, expected);

    // Refusals, each in a sentence; agents may not set hours.
    let call = |client: reqwest::Client, form: Vec<(&'static str, &'static str)>| {
        let url = format!("{}/api/team/hours", app.base);
        async move {
            let res = client.post(url).form(&form).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let base = |zone: &'static str, queue: &'static str| {
        vec![
            ("queue", queue),
            ("own", "yes"),
            ("time_zone", zone),
            ("start", "09:00"),
            ("end", "18:00"),
            ("days[0]", "0"),
        ]
    };
    for (form, status_wanted, why) in [
        (base("", "legal"), 400, "need a time zone"),
        (base("Mars/Olympus", "legal"), 400, "not an IANA time zone"),
        (base("Asia/Tokyo", "no-such-queue"), 404, ""),
    ] {
        let (status, body) = call(manager.clone(), form).await;
        assert_eq!(status, status_wanted, "{body}");
        assert!(body.contains(why), "{body}");
    }
    let (status, _) = call(agent.clone(), base("Asia/Tokyo", "legal")).await;
    assert_eq!(status, 403);

    // Back to the team's hours.
    let (status, _) = app
        .post_form(&manager, "/api/team/hours", &[("queue", "legal")])
        .await;
    assert_eq!(status, 302);
    assert!(db::queues::own_hours(&app.pool).await.unwrap().is_empty());
}
