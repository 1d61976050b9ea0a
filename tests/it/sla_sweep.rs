//! The SLA sweep: at-risk and breached escalations notify the assignee and then the queue's
//! manager (in-app, e-mail, webhook event), once per step, even when the worker's database
//! session is killed in the middle of a step; the steps show on the ticket and in the inbox.

use crate::common::{spawn_app, TestApp};
use std::time::Duration;
use ticketlens::server::config::Secret;
use ticketlens::server::db;
use ticketlens::server::jobs::sla_sweep::{sweep, Swept};
use ticketlens::server::mail::MailSettings;

/// An open escalation in `queue` whose first response is due `due_in` minutes from now and at
/// risk from `warn_in`; its ticket id.
async fn escalation(
    app: &TestApp,
    queue: &str,
    assignee: Option<i64>,
    due_in: i32,
    warn_in: i32,
) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (source, external_id, subject, body, channel, priority, status, created_at)
         VALUES ('test', gen_random_uuid()::text, 'Refund', 'Help', 'email', 'high', 'open', now())
         RETURNING id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO escalations (ticket_id, queue, severity, assignee_id, first_response_due,
                                  resolution_due, first_response_warn, resolution_warn)
         VALUES ($1, $2, 2, $3, now() + make_interval(mins => $4), now() + interval '2 days',
                 now() + make_interval(mins => $5), now() + interval '1 day')",
    )
    .bind(id)
    .bind(queue)
    .bind(assignee)
    .bind(due_in)
    .bind(warn_in)
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

fn mail() -> MailSettings {
    MailSettings {
        url: Secret::new("smtp://127.0.0.1:1".to_string()),
        from: "Support <support@example.com>".parse().unwrap(),
        notify: None,
        public_url: "http://tl.example".into(),
    }
}

#[tokio::test]
async fn each_step_is_told_once_to_the_right_people_even_across_a_killed_session() {
    let app = spawn_app(0).await;
    let ann = app.user_id("agent@example.com").await;
    let mia = app.user_id("manager@example.com").await;
    let mut tx = app.pool.begin().await.unwrap();
    db::queues::save(&mut tx, "billing", "manual", "keep", Some(mia), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let at_risk = escalation(&app, "billing", Some(ann), 60, -5).await;
    let breached = escalation(&app, "billing", Some(ann), -10, -30).await;
    let nobodys = escalation(&app, "billing", None, 30, -1).await;
    let calm = escalation(&app, "billing", Some(ann), 300, 200).await;

    // The worker's session dies in the middle of a step (after marking, before telling).
    let mut blocker = app.pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE notifications IN EXCLUSIVE MODE")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let pool = app.pool.clone();
    let settings = mail();
    let run = tokio::spawn(async move { sweep(&pool, Some(&settings)).await });
    let mut killed = false;
    for _ in 0..200 {
        let pid: Option<i32> = sqlx::query_scalar(
            "SELECT pid FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND query LIKE 'INSERT INTO notifications%'",
        )
        .fetch_optional(&app.pool)
        .await
        .unwrap();
        if let Some(pid) = pid {
            // Waits for the backend to be gone: the client hears of the kill before the backend
            // has released its row locks, and the next pass skips rows still locked.
            let gone: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1, 10000)")
                .bind(pid)
                .fetch_one(&app.pool)
                .await
                .unwrap();
            assert!(gone, "the killed backend did not exit within 10 s");
            killed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(killed, "the sweep never reached the notifications");
    assert!(run.await.unwrap().is_err(), "the killed step fails");
    blocker.rollback().await.unwrap();
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM escalation_activity WHERE kind LIKE 'sla_%'"
        )
        .await,
        0,
        "nothing of the killed step stays"
    );

    // The next pass takes every step, once; the one after finds nothing.
    let settings = mail();
    let first = sweep(&app.pool, Some(&settings)).await.unwrap();
    assert_eq!(
        first,
        Swept {
            warned: 2,
            breached: 1
        }
    );
    assert_eq!(
        sweep(&app.pool, Some(&settings)).await.unwrap(),
        Swept::default()
    );

    let told: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT user_id, ticket_id, kind FROM notifications ORDER BY ticket_id, user_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut expected = vec![
        (ann, at_risk, "sla.warning".to_string()),
        (ann, breached, "sla.breached".to_string()),
        (mia, breached, "sla.breached".to_string()),
        (mia, nobodys, "sla.warning".to_string()),
    ];
    expected.sort_by_key(|(u, t, _)| (*t, *u));
    assert_eq!(told, expected);
    assert_eq!(
        count(&app, "SELECT count(*) FROM emails WHERE kind = 'sla'").await,
        4,
        "an e-mail per person told"
    );
    let events: Vec<(String, i64)> = sqlx::query_as(
        "SELECT kind, ticket_id FROM events WHERE kind LIKE 'sla.%' ORDER BY ticket_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            ("sla.warning".to_string(), at_risk),
            ("sla.breached".to_string(), breached),
            ("sla.warning".to_string(), nobodys),
        ]
    );
    let trail: String = sqlx::query_scalar(
        "SELECT body FROM escalation_activity WHERE ticket_id = $1 AND kind = 'sla_breached'",
    )
    .bind(breached)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        trail.starts_with(&format!(
            "Breached: the first response of ticket #{breached}"
        )),
        "{trail}"
    );
    let names: Vec<String> =
        sqlx::query_scalar("SELECT name FROM users WHERE id = ANY($1) ORDER BY id")
            .bind([ann, mia])
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(
        trail.contains(&format!("told {}, {}", names[0], names[1]))
            || trail.contains(&format!("told {}, {}", names[1], names[0])),
        "{trail}"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM escalation_activity WHERE ticket_id = {calm}")
        )
        .await,
        0
    );

    // Answering starts the resolution clock: a new deadline, with steps of its own later.
    sqlx::query("UPDATE escalations SET first_response_at = now(), resolution_warn = now() - interval '1 minute' WHERE ticket_id = $1")
        .bind(at_risk)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        sweep(&app.pool, None).await.unwrap(),
        Swept {
            warned: 1,
            breached: 0
        }
    );

    // The agent sees their notifications in the inbox and marks them read.
    let agent = app.login("agent@example.com").await;
    let page: serde_json::Value = agent
        .post(format!("{}/api/inbox", app.base))
        .form(&Vec::<(String, String)>::new())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let notes = page["notifications"].as_array().unwrap();
    assert_eq!(notes.len(), 3, "{page:#}");
    assert_eq!(notes[0]["kind"], "sla.warning");
    let (status, _) = app
        .post_form(&agent, "/api/inbox/notifications/read", &[])
        .await;
    assert_eq!(status, 302);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM notifications WHERE user_id = {ann} AND read_at IS NULL"
            )
        )
        .await,
        0
    );
}
