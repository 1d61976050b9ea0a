//! Trends: every group's tickets this period and the one before equal raw counts from the
//! tickets, the charts draw a line per group, and the grain and group switches work.

use crate::common;
use common::spawn_app;

/// (label, tickets, before) of every row of the comparison table.
fn rows(html: &str) -> Vec<(String, i64, i64)> {
    let mut out = Vec::new();
    for part in html.split("data-testid=\"trend-row\"").skip(1) {
        let label_start = part.find("\">").unwrap() + 2;
        let label = &part[label_start..label_start + part[label_start..].find('<').unwrap()];
        let nums: Vec<i64> = part
            .split("<td class=\"num\">")
            .skip(1)
            .take(2)
            .map(|c| c[..c.find('<').unwrap()].replace(',', "").parse().unwrap())
            .collect();
        out.push((label.replace("&amp;", "&"), nums[0], nums[1]));
    }
    out
}

#[tokio::test]
async fn groups_match_raw_counts_under_each_switch_and_filter() {
    let app = spawn_app(400).await;
    app.run_jobs().await;
    let manager = app.login("manager@example.com").await;
    // Demo tickets span the year before yesterday: take the newest 90 days as the period.
    let latest: chrono::NaiveDate =
        sqlx::query_scalar("SELECT max(created_at AT TIME ZONE 'UTC')::date FROM tickets")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let from = latest - chrono::Duration::days(89);
    let pfrom = from - chrono::Duration::days(90);
    for (by, channel) in [
        ("category", None),
        ("product", None),
        ("category", Some("email")),
    ] {
        for grain in ["day", "week", "month"] {
            let mut path = format!("/trends?from={from}&to={latest}&by={by}&grain={grain}");
            if let Some(c) = channel {
                path.push_str(&format!("&channel={c}"));
            }
            let (status, html) = app.get_html(&manager, &path).await;
            assert_eq!(status, 200, "{path}");
            let found = rows(&html);
            assert!(!found.is_empty(), "{path}");
            let key = if by == "product" {
                "COALESCE(p.name, '(none)')"
            } else {
                "COALESCE(c.category, a.category, t.category, '(none)')"
            };
            let raw: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
                "SELECT {key},
                        count(*) FILTER (WHERE t.created_at >= $1::date),
                        count(*) FILTER (WHERE t.created_at < $1::date)
                 FROM tickets t
                 LEFT JOIN products p ON p.id = t.product_id
                 LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
                 LEFT JOIN category_corrections c ON c.ticket_id = t.id
                 WHERE (t.created_at AT TIME ZONE 'UTC')::date BETWEEN $3 AND $2
                   AND ($4::text IS NULL OR t.channel = $4)
                 GROUP BY 1"
            ))
            .bind(from)
            .bind(latest)
            .bind(pfrom)
            .bind(channel)
            .fetch_all(&app.pool)
            .await
            .unwrap();
            let mut raw = raw;
            raw.sort();
            let mut found = found;
            found.sort();
            assert_eq!(found, raw, "{path}");
            // A line per group with tickets in the period, up to eight, named in the legend.
            let volume = &html[html.find("data-testid=\"trend-volume\"").unwrap()..];
            let volume = &volume[..volume.find("</svg>").unwrap()];
            // Ranked by tickets, then by tickets before; groups tied with the eighth may take
            // its place in any order (the page breaks ties by its own key, such as product id).
            let mut top: Vec<&(String, i64, i64)> = raw.iter().filter(|r| r.1 > 0).collect();
            top.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)));
            let has_line = |label: &str| {
                volume.contains(&format!("\n{}\n</text>", label.replace('&', "&amp;")))
            };
            let cut = top.get(7).map(|r| (r.1, r.2));
            type Group<'a> = &'a &'a (String, i64, i64);
            let (above, tied): (Vec<Group>, Vec<Group>) = top
                .iter()
                .filter(|r| cut.is_none_or(|c| (r.1, r.2) >= c))
                .partition(|r| cut.is_none_or(|c| (r.1, r.2) > c));
            for r in &above {
                assert!(has_line(&r.0), "{path}: no line for {}", r.0);
            }
            let tied_shown = tied.iter().filter(|r| has_line(&r.0)).count();
            assert_eq!(
                above.len() + tied_shown,
                top.len().min(8),
                "{path}: lines for the groups tied with the eighth"
            );
            assert!(volume.contains(&format!("Tickets per {grain}")));
        }
    }
}
