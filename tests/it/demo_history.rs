//! The demo looks like a working team's history: nothing older than two weeks is still open, so
//! the inbox holds the last days' escalations rather than a year of breaches.

use crate::common::spawn_app;

#[tokio::test]
async fn the_demo_inbox_holds_only_the_last_two_weeks() {
    let app = spawn_app(500).await;
    app.run_jobs().await;
    let (old_open, recent_open): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE created_at < now() - interval '16 days'),
                count(*) FILTER (WHERE created_at >= now() - interval '14 days')
         FROM tickets WHERE status IN ('open', 'pending')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(old_open, 0);
    assert!(recent_open > 0, "the last days still have open tickets");
    let resolved_consistently: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tickets
         WHERE status IN ('resolved', 'closed')
           AND (resolved_at IS NULL OR resolved_at < created_at
                OR first_response_at IS NULL OR first_response_at > resolved_at)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        resolved_consistently, 0,
        "every settled ticket was answered, then resolved"
    );
    let oldest_open_escalation: Option<f64> = sqlx::query_scalar(
        "SELECT (extract(epoch FROM now() - min(t.created_at)) / 86400)::float8
         FROM escalations e JOIN tickets t ON t.id = e.ticket_id WHERE e.status = 'open'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        oldest_open_escalation.is_none_or(|d| d < 16.0),
        "{oldest_open_escalation:?} days"
    );
}
