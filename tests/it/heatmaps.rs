//! Heatmaps: every cell's number equals the tickets it links to, weekday × hour cells add up to
//! the period's tickets, and the measures switch between counts and shares.

use crate::common;
use common::spawn_app;

/// (href, title) of every heatmap cell in a page, hrefs unescaped.
fn cells(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<a href=\"/tickets?") {
        rest = &rest[start + "<a href=\"".len()..];
        let href = &rest[..rest.find('"').unwrap()];
        let t = rest.find("<title>").unwrap() + "<title>".len();
        let title = &rest[t..t + rest[t..].find("</title>").unwrap()];
        out.push((href.replace("&amp;", "&"), title.replace("&amp;", "&")));
    }
    out
}

/// The count in a title such as "Aero Buds × billing: 12 tickets".
fn count(title: &str) -> Option<i64> {
    let value = title.rsplit(": ").next()?;
    value.strip_suffix(" tickets")?.parse().ok()
}

#[tokio::test]
async fn each_cell_counts_the_tickets_it_links_to() {
    let app = spawn_app(300).await;
    app.run_jobs().await;
    let client = app.login("manager@example.com").await;
    let all = "from=2000-01-01&to=2100-12-31";
    let (status, html) = app.get_html(&client, &format!("/heatmaps?{all}")).await;
    assert_eq!(status, 200);
    for id in ["product-category", "weekday-hour", "channel-priority"] {
        assert!(
            html.contains(&format!("data-testid=\"heatmap-{id}\"")),
            "{id} missing"
        );
    }
    let found = cells(&html);
    // product × category and channel × priority: one cell per row and column; weekday × hour: 7 × 24.
    assert!(found.len() > 7 * 24 + 5 * 4, "{} cells", found.len());

    let weekday_total: i64 = found
        .iter()
        .filter(|(href, _)| href.contains("weekday="))
        .filter_map(|(_, t)| count(t))
        .sum();
    assert_eq!(
        weekday_total, 300,
        "weekday × hour cells add up to every ticket"
    );

    // With a product filter the hours come from the ticket facts: still every ticket of it.
    let (product, of_product): (i64, i64) = sqlx::query_as(
        "SELECT product_id, count(*) FROM tickets WHERE product_id IS NOT NULL
         GROUP BY 1 ORDER BY 2 DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (_, html) = app
        .get_html(&client, &format!("/heatmaps?{all}&product={product}"))
        .await;
    let weekday_total: i64 = cells(&html)
        .iter()
        .filter(|(href, _)| href.contains("weekday="))
        .filter_map(|(_, t)| count(t))
        .sum();
    assert_eq!(
        weekday_total, of_product,
        "weekday × hour under a product filter"
    );

    // Follow a sample of cells of each map: the Tickets page finds as many tickets as the cell says.
    let mut checked = 0;
    for kind in ["category=", "weekday=", "priority="] {
        for (href, title) in found
            .iter()
            .filter(|(h, t)| h.contains(kind) && count(t).is_some())
            .take(4)
        {
            let n = count(title).unwrap();
            let (status, page) = app.get_html(&client, href).await;
            assert_eq!(status, 200, "{href}");
            let shown = if n >= 1000 {
                format!("{},{:03}", n / 1000, n % 1000)
            } else {
                n.to_string()
            };
            assert!(
                page.contains(&format!("<strong>{shown}</strong> tickets match")),
                "{title} → {href}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 12);

    // Shares: escalation rate of a channel × priority cell equals the raw rate.
    let (_, html) = app
        .get_html(&client, &format!("/heatmaps?{all}&measure=escalated"))
        .await;
    let (href, title) = cells(&html)
        .into_iter()
        .find(|(h, t)| h.contains("channel=email&priority=urgent") && t.ends_with("% escalated"))
        .expect("an email × urgent cell");
    let raw: f64 = sqlx::query_scalar(
        "SELECT 100.0 * count(e.ticket_id)::float8 / count(*) FROM tickets t
         LEFT JOIN escalations e ON e.ticket_id = t.id WHERE t.channel = 'email' AND t.priority = 'urgent'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        title,
        format!("email × urgent: {raw:.0}% escalated"),
        "{href}"
    );
    let link = html
        .split("<a ")
        .find(|a| a.contains(">Escalation rate<"))
        .expect("the measure switch");
    assert!(link.contains("aria-current=\"true\""), "{link}");
}
