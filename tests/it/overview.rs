//! The Overview reads the rollups: its figures under each filter equal the same figures counted
//! from the raw tickets, medians within the latency buckets' resolution, and filters live in the URL.

use crate::common;
use common::{spawn_app, TestApp};
use ticketlens::server::db::rollups::bucket_start;

/// The text of the headline figure `key` in an Overview page.
fn figure(html: &str, key: &str) -> String {
    let start = html
        .find(&format!("data-testid=\"kpi-{key}\""))
        .unwrap_or_else(|| panic!("no figure {key}"));
    let rest = &html[start..];
    let value = rest.find("kpi-value\">").expect("value") + "kpi-value\">".len();
    rest[value..value + rest[value..].find('<').unwrap()].to_string()
}

/// The same figures from the raw tickets: count, escalated %, negative %, and the latency buckets
/// of the two middle first-response times (the median lies between them).
async fn raw(
    app: &TestApp,
    from: &str,
    to: &str,
    channel: Option<&str>,
    sentiment: Option<&str>,
    product: Option<i64>,
) -> (i64, Option<f64>, Option<f64>, Option<(i16, i16)>) {
    let row: (i64, Option<f64>, Option<f64>, Vec<i64>) = sqlx::query_as(
        "SELECT count(*),
                (100.0 * count(e.ticket_id) / nullif(count(*), 0))::float8,
                (100.0 * count(*) FILTER (WHERE a.sentiment = 'negative') / nullif(count(a.sentiment), 0))::float8,
                COALESCE(array_agg(extract(epoch FROM t.first_response_at - t.created_at)::int8
                                   ORDER BY t.first_response_at - t.created_at)
                         FILTER (WHERE t.first_response_at IS NOT NULL), '{}')
         FROM tickets t
         LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
         LEFT JOIN escalations e ON e.ticket_id = t.id
         WHERE (t.created_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date
           AND ($3::text IS NULL OR t.channel = $3)
           AND ($4::text IS NULL OR a.sentiment = $4)
           AND ($5::int8 IS NULL OR t.product_id = $5)",
    )
    .bind(from)
    .bind(to)
    .bind(channel)
    .bind(sentiment)
    .bind(product)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let v = &row.3;
    let middle = if v.is_empty() {
        None
    } else {
        let buckets: (i16, i16) = sqlx::query_as("SELECT latency_bucket($1), latency_bucket($2)")
            .bind(v[(v.len() - 1) / 2])
            .bind(v[v.len() / 2])
            .fetch_one(&app.pool)
            .await
            .unwrap();
        Some(buckets)
    };
    (row.0, row.1, row.2, middle)
}

fn minutes(text: &str) -> f64 {
    let (n, unit) = text.split_once(' ').expect("a duration");
    let n: f64 = n.parse().unwrap();
    match unit {
        "min" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        other => panic!("unit {other}"),
    }
}

#[tokio::test]
async fn figures_under_each_filter_equal_a_count_of_the_raw_tickets() {
    let app = spawn_app(400).await;
    app.run_jobs().await;
    let client = app.login("manager@example.com").await;
    let (first, last): (String, String) = sqlx::query_as(
        "SELECT min((created_at AT TIME ZONE 'UTC')::date)::text, max((created_at AT TIME ZONE 'UTC')::date)::text FROM tickets",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();

    // The default period: the 30 days up to the newest ticket.
    let (status, html) = app.get_html(&client, "/").await;
    assert_eq!(status, 200);
    let default_from: String = sqlx::query_scalar("SELECT ($1::date - 29)::text")
        .bind(&last)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (n, ..) = raw(&app, &default_from, &last, None, None, None).await;
    assert_eq!(figure(&html, "volume"), n.to_string());
    assert!(html.contains("(30 days)"), "the period is named");
    assert!(
        html.contains("<title>Tickets per day</title>"),
        "chart missing"
    );

    // A product filter reads medians (and hours) from the ticket facts instead of the cubes.
    let product: i64 = sqlx::query_scalar(
        "SELECT product_id FROM tickets WHERE product_id IS NOT NULL
         GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for (channel, sentiment, product) in [
        (None, None, None),
        (Some("email"), None, None),
        (None, Some("negative"), None),
        (Some("chat"), Some("neutral"), None),
        (None, None, Some(product)),
        (Some("email"), None, Some(product)),
    ] {
        let mut path = format!("/?from={first}&to={last}");
        if let Some(c) = channel {
            path.push_str(&format!("&channel={c}"));
        }
        if let Some(s) = sentiment {
            path.push_str(&format!("&sentiment={s}"));
        }
        if let Some(p) = product {
            path.push_str(&format!("&product={p}"));
        }
        let (status, html) = app.get_html(&client, &path).await;
        assert_eq!(status, 200);
        let (n, escalated, negative, frt) =
            raw(&app, &first, &last, channel, sentiment, product).await;
        assert!(n > 0, "{path} selects tickets");
        assert_eq!(figure(&html, "volume"), n.to_string(), "{path}");
        let pct = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.1}%"));
        assert_eq!(figure(&html, "escalated"), pct(escalated), "{path}");
        assert_eq!(figure(&html, "negative"), pct(negative), "{path}");
        match frt {
            Some((lo, hi)) => {
                let shown = minutes(&figure(&html, "first_response"));
                let (low, high) = (bucket_start(lo), bucket_start(hi + 1));
                // The display rounds to a minute or a tenth of an hour.
                assert!(
                    shown >= low * 0.95 - 30.0 && shown <= high * 1.05 + 30.0,
                    "{path}: median {shown} outside {low}..{high}"
                );
            }
            None => assert_eq!(figure(&html, "first_response"), "—"),
        }
        // The filter bar shows the filters back, so the view can be bookmarked.
        if let Some(c) = channel {
            assert!(
                html.contains(&format!("<option value=\"{c}\" selected")),
                "{path}"
            );
        }
    }
}
