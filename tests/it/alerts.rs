//! Alerts on the demo data: every injected incident is found as a spike of its product ×
//! category, nothing is raised outside the incidents and the demo's holiday season, new current
//! alerts raise one issue.spike event each, a rerun changes nothing, and the pages show them.

use crate::common;
use chrono::{Datelike, Duration, NaiveDate};
use common::{fresh_pool, spawn_app};
use sqlx::PgPool;
use ticketlens::server::jobs::alerts;
use ticketlens::server::tools::demo::{incidents, DemoConfig, Incident};
use ticketlens::server::tools::seed::load_demo;

/// A stored alert with its names.
#[derive(Debug, sqlx::FromRow)]
struct Row {
    kind: String,
    product: Option<String>,
    category: Option<String>,
    since: NaiveDate,
    until: NaiveDate,
}

async fn stored(pool: &PgPool) -> Vec<Row> {
    sqlx::query_as(
        "SELECT a.kind, p.name AS product, a.category, a.since, a.until
         FROM alerts a LEFT JOIN products p ON p.id = a.product_id ORDER BY a.id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The demo's holiday rush (late November to mid-January, with shipping and refunds up by
/// design): real surges, so alerts there are right, but not what this test is about.
fn in_holiday_season(day: NaiveDate) -> bool {
    matches!((day.month(), day.day()), (11, d) if d >= 14)
        || day.month() == 12
        || matches!((day.month(), day.day()), (1, d) if d <= 20)
}

/// Whether an alert is about this incident: the same product, category or both, on its days or
/// the four after them (customers write again about an incident).
fn explains(inc: &Incident, a: &Row) -> bool {
    let related =
        a.product.as_deref() == Some(inc.product) || a.category.as_deref() == Some(inc.category);
    let last = inc.start + Duration::days(i64::from(inc.days) - 1 + 4);
    related && a.since <= last && a.until >= inc.start
}

async fn check_demo(cfg: DemoConfig) {
    let pool = fresh_pool().await;
    load_demo(&pool, &cfg, |_| {}).await.unwrap();
    let outcome = alerts::run(&pool).await.unwrap();
    let found = stored(&pool).await;
    let incs = incidents(&cfg);
    for inc in &incs {
        assert!(
            found.iter().any(|a| a.kind == "spike"
                && a.product.as_deref() == Some(inc.product)
                && a.category.as_deref() == Some(inc.category)
                && a.since <= inc.start + Duration::days(i64::from(inc.days) - 1)
                && a.until >= inc.start),
            "{cfg:?}: incident {inc:?} not found among {found:#?}"
        );
    }
    for a in &found {
        let quiet = !incs.iter().any(|inc| explains(inc, a))
            && !in_holiday_season(a.since)
            && !in_holiday_season(a.until);
        assert!(
            !quiet,
            "{cfg:?}: alert in a quiet period: {a:?}\nincidents: {incs:?}"
        );
    }
    // Events for new alerts reaching into the last 14 days, one each.
    let current = found
        .iter()
        .filter(|a| a.until >= cfg.end - Duration::days(13))
        .count();
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE kind = 'issue.spike'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(events as usize, current);
    assert_eq!(outcome.events, current);
    // Detection again over the same data changes nothing.
    let again = alerts::run(&pool).await.unwrap();
    assert_eq!(
        (again.inserted, again.withdrawn, again.events),
        (0, 0, 0),
        "{again:?}"
    );
    assert_eq!(stored(&pool).await.len(), found.len());
}

#[tokio::test]
async fn demo_incidents_are_found_and_quiet_periods_raise_nothing() {
    for (seed, end) in [(42, "2025-06-30"), (5, "2026-11-23"), (11, "2026-03-31")] {
        check_demo(DemoConfig {
            tickets: 3000,
            seed,
            end: end.parse().unwrap(),
        })
        .await;
    }
}

#[tokio::test]
async fn a_new_burst_raises_one_event_and_shows_on_the_pages() {
    let app = spawn_app(0).await;
    let end: NaiveDate = "2026-05-31".parse().unwrap();
    let cfg = DemoConfig {
        tickets: 3000,
        seed: 3,
        end,
    };
    load_demo(&app.pool, &cfg, |_| {}).await.unwrap();
    alerts::run(&app.pool).await.unwrap();
    let before: Vec<i64> = sqlx::query_scalar("SELECT id FROM alerts ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    // Twelve more "Nova Tab 11" setup tickets on each of the last two days.
    let inserted = sqlx::query(
        "INSERT INTO tickets (source, external_id, subject, body, product_id, channel, priority,
                             status, category, created_at)
         SELECT 'burst', 'burst-' || d || '-' || i, 'Cannot finish setup',
                'The setup wizard stops at the last step.', p.id, 'email', 'medium', 'open', 'setup',
                ($1::date - d) + time '10:00' + i * interval '5 minutes'
         FROM products p, generate_series(0, 1) d, generate_series(1, 12) i
         WHERE p.name = 'Nova Tab 11'",
    )
    .bind(end)
    .execute(&app.pool)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(inserted, 24);
    let outcome = alerts::run(&app.pool).await.unwrap();
    assert!(outcome.inserted >= 1 && outcome.events >= 1, "{outcome:?}");
    let after: Vec<i64> = sqlx::query_scalar("SELECT id FROM alerts ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(
        before.iter().all(|id| after.contains(id)),
        "earlier alerts keep their ids"
    );
    let (payload,): (serde_json::Value,) = sqlx::query_as(
        "SELECT payload FROM events WHERE kind = 'issue.spike'
         AND payload->>'product' = 'Nova Tab 11' AND payload->>'category' = 'setup'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(payload["until"], end.to_string());
    let path = payload["tickets_path"].as_str().unwrap().to_string();
    assert!(path.starts_with("/tickets?product="), "{path}");

    let manager = app.login("manager@example.com").await;
    let (status, html) = app.get_html(&manager, "/alerts").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Nova Tab 11 · setup"),
        "alerts page lists the burst"
    );
    let (_, overview) = app.get_html(&manager, "/").await;
    assert!(overview.contains("data-testid=\"overview-alerts\""));
    assert!(
        overview.contains("Nova Tab 11 · setup"),
        "overview shows the current alert"
    );
    // The link leads to the burst's tickets (and the day's usual ones).
    let (status, tickets) = app.get_html(&manager, &path).await;
    assert_eq!(status, 200);
    assert!(tickets.contains("Cannot finish setup"));
}
