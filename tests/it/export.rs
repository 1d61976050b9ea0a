//! CSV export: each table downloads as CSV with the page's filters applied, its numbers match the
//! database, and each role gets exactly the tables its pages show.

use crate::common;
use common::spawn_app;

/// Parsed CSV: header and rows.
fn parse(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[tokio::test]
async fn tables_export_with_their_filters_and_roles() {
    let app = spawn_app(300).await;
    app.run_jobs().await;
    ticketlens::server::jobs::alerts::run(&app.pool)
        .await
        .unwrap();
    let manager = app.login("manager@example.com").await;
    let agent = app.login("agent@example.com").await;
    let admin = app.login("admin@example.com").await;
    let get = |client: &reqwest::Client, path: &str| {
        let req = client.get(format!("{}{path}", app.base));
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let kind = res
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            (status, kind, res.text().await.unwrap())
        }
    };
    let all = "from=2000-01-01&to=2100-12-31";

    // Tickets: the filter of the Tickets page.
    let (status, kind, body) = get(&agent, "/export/tickets.csv?channel=email").await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    let (header, rows) = parse(&body);
    assert_eq!(header[0], "id");
    let email: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE channel = 'email'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, email);
    assert!(rows.iter().all(|r| r[4] == "email"));

    // Overview: each dimension's rows add up to every ticket of the period.
    let (status, _, body) = get(&manager, &format!("/export/overview.csv?{all}")).await;
    assert_eq!(status, 200);
    let (_, rows) = parse(&body);
    for dim in ["channel", "priority", "category"] {
        let sum: i64 = rows
            .iter()
            .filter(|r| r[2] == dim)
            .map(|r| r[4].parse::<i64>().unwrap())
            .sum();
        assert_eq!(sum, 300, "{dim}");
    }
    // Trends per product and the heatmap: the same total.
    let (_, _, body) = get(&manager, &format!("/export/trends.csv?{all}&by=product")).await;
    let (header, rows) = parse(&body);
    assert_eq!(header[0], "group");
    assert_eq!(
        rows.iter()
            .map(|r| r[1].parse::<i64>().unwrap())
            .sum::<i64>(),
        300
    );
    let (_, _, body) = get(&manager, &format!("/export/heatmap.csv?{all}&channel=chat")).await;
    let chat: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE channel = 'chat'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (_, rows) = parse(&body);
    assert_eq!(
        rows.iter()
            .map(|r| r[2].parse::<i64>().unwrap())
            .sum::<i64>(),
        chat
    );
    // Alerts: as many as stored.
    let (_, _, body) = get(&manager, &format!("/export/alerts.csv?{all}")).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM alerts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(parse(&body).1.len() as i64, stored);

    // Roles: the pages' table (every role reads the Overview; data administration is for
    // admins); unknown tables are 404.
    assert_eq!(get(&agent, "/export/overview.csv").await.0, 200);
    assert_eq!(get(&agent, "/export/quality.csv").await.0, 403);
    assert_eq!(get(&manager, "/export/quality.csv").await.0, 403);
    assert_eq!(get(&manager, "/export/imports.csv").await.0, 403);
    assert_eq!(get(&admin, "/export/imports.csv").await.0, 200);
    assert_eq!(get(&admin, "/export/quality.csv").await.0, 200);
    assert_eq!(get(&admin, "/export/passwords.csv").await.0, 404);
    let anonymous = app
        .anonymous()
        .get(format!("{}/export/tickets.csv", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        anonymous.status().is_redirection(),
        "anonymous: {}",
        anonymous.status()
    );
}
