//! The Conversations page's figures, checked by hand and against the tickets their links list.

use crate::common;
use common::spawn_app;
use ticketlens::domain::analytics::AnalyticsFilter;
use ticketlens::domain::message::{Shift, Trajectory};
use ticketlens::domain::ticket_view::TicketQuery;
use ticketlens::features::conversations::server::conversations;
use ticketlens::features::conversations::{ConvFigures, Conversations};
use ticketlens::server::db;
use ticketlens::server::import::{formats::Format, ImportOptions};

/// Three tickets: Ann's conversation turns sour, Bo's recovers after his reply and is resolved,
/// Ann's other ticket has no follow-up.
const FIXTURE: &str = "external_id,created_at,subject,body,channel,priority,status,category,product,agent,first_response_at,resolved_at,message_kind,message_author,message_id
T-1,2026-03-02T09:00:00Z,Speaker,\"Thanks, I love the new speaker, great sound!\",email,medium,open,billing,Aero,Ann,,,,,
T-1,2026-03-02T10:00:00Z,,Have you tried pairing it again?,,,,,,,,,agent,Ann,a-1
T-1,2026-03-02T11:00:00Z,,\"This is awful, terrible, I hate it, worst support ever, furious.\",,,,,,,,,customer,,c-1
T-2,2026-03-03T09:00:00Z,Refund,\"Terrible, awful, broken again, I hate this, furious!\",chat,high,resolved,billing,Aero,Bo,,2026-03-03T15:00:00Z,,,
T-2,2026-03-03T10:00:00Z,,I have refunded you and sent a new one.,,,,,,,,,agent,Bo,b-1
T-2,2026-03-03T12:00:00Z,,\"Thank you so much, wonderful, it works great now, I love it!\",,,,,,,,,customer,,c-2
T-3,2026-03-04T09:00:00Z,Where is my parcel,Where is my parcel?,web,low,open,shipping,Nova,Ann,,,,,
";

fn all() -> AnalyticsFilter {
    AnalyticsFilter {
        from: Some("2000-01-01".parse().unwrap()),
        to: Some("2100-12-31".parse().unwrap()),
        ..Default::default()
    }
}

fn row<'a>(rows: &'a [ConvFigures], label: &str) -> &'a ConvFigures {
    rows.iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label}: {rows:#?}"))
}

/// The tickets a link lists.
async fn listed(pool: &sqlx::PgPool, href: &str) -> i64 {
    assert!(href.starts_with("/tickets?"), "a Tickets page link: {href}");
    let url = reqwest::Url::parse(&format!("http://ticketlens{href}")).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let q =
        TicketQuery::from_params(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    db::tickets::count(pool, &q).await.unwrap()
}

#[tokio::test]
async fn the_figures_of_a_hand_checked_fixture() {
    let app = spawn_app(0).await;
    let opts = ImportOptions {
        file_name: "conversations.csv".into(),
        layout: Format::Ticketlens.into(),
        source: None,
        user_id: None,
        upload_id: None,
    };
    let report = ticketlens::server::jobs::import::run(&app.pool, FIXTURE.as_bytes(), opts)
        .await
        .unwrap();
    assert_eq!((report.inserted, report.messages), (3, 4), "{report:#?}");
    app.run_jobs().await;
    let c: Conversations = conversations(&app.pool, all()).await.unwrap();
    let total = c.total.clone().unwrap();
    assert_eq!((total.tickets, total.conversations), (3, 2));
    assert_eq!(
        (total.improved.n, total.stayed.n, total.worsened.n),
        (1, 0, 1)
    );
    assert_eq!(total.improved.share, Some(0.5));
    assert_eq!(
        total.messages_per_ticket,
        Some(7.0 / 3.0),
        "3 + 3 + 1 messages"
    );
    assert_eq!(
        total.replies_until_resolved,
        Some(1.0),
        "T-2's one reply before 15:00"
    );
    let lengths: Vec<i64> = c.lengths.iter().map(|b| b.n).collect();
    assert_eq!(lengths, [1, 0, 2, 0, 0]);

    let ann = row(&c.by_agent, "Ann");
    assert_eq!((ann.tickets, ann.worsened.n, ann.improved.n), (2, 1, 0));
    assert!(ann.mean_shift.unwrap() < -0.2, "{ann:?}");
    let bo = row(&c.by_agent, "Bo");
    assert_eq!((bo.tickets, bo.improved.n), (1, 1));
    assert!(bo.mean_shift.unwrap() > 0.2, "{bo:?}");
    assert_eq!(row(&c.by_category, "billing").conversations, 2);
    assert_eq!(row(&c.by_product, "Aero").tickets, 2);
    assert_eq!(row(&c.by_channel, "web").conversations, 0);
    assert!(
        c.shift_heatmap.contains("<title>billing × Ann: -"),
        "{}",
        c.shift_heatmap
    );

    // Drill-downs list exactly the tickets counted.
    assert_eq!(listed(&app.pool, &total.worsened.href).await, 1);
    assert_eq!(listed(&app.pool, &ann.tickets_href).await, 2);
    assert_eq!(listed(&app.pool, &c.lengths[2].href).await, 2);

    // Filters: the cube (category; product alone) and the facts (product by agent, sentiment)
    // agree with the fixture.
    let billing = AnalyticsFilter {
        category: Some("billing".into()),
        ..all()
    };
    let c = conversations(&app.pool, billing).await.unwrap();
    assert_eq!(row(&c.by_agent, "Ann").tickets, 1);
    let aero = db::tickets::products(&app.pool)
        .await
        .unwrap()
        .into_iter()
        .find(|(_, name)| name == "Aero")
        .unwrap()
        .0;
    let c = conversations(
        &app.pool,
        AnalyticsFilter {
            product: Some(aero),
            ..all()
        },
    )
    .await
    .unwrap();
    let by_agent: Vec<(&str, i64, i64)> = c
        .by_agent
        .iter()
        .map(|r| (r.label.as_str(), r.tickets, r.worsened.n))
        .collect();
    assert_eq!(by_agent, [("Ann", 1, 1), ("Bo", 1, 0)]);
    let unhappy = AnalyticsFilter {
        sentiment: Some(ticketlens::domain::SentimentLabel::Negative),
        ..all()
    };
    let c = conversations(&app.pool, unhappy).await.unwrap();
    let by_agent: Vec<(&str, i64, i64)> = c
        .by_agent
        .iter()
        .map(|r| (r.label.as_str(), r.tickets, r.improved.n))
        .collect();
    assert_eq!(by_agent, [("Bo", 1, 1)], "T-2 opened angry");

    let client = app.login("manager@example.com").await;
    let (status, html) = app
        .get_html(&client, "/conversations?from=2000-01-01&to=2100-12-31")
        .await;
    assert_eq!(status, 200);
    for id in [
        "conv-improved",
        "conv-by-agent",
        "conv-shift-heatmap",
        "conv-lengths",
    ] {
        assert!(html.contains(&format!("data-testid=\"{id}\"")), "{id}");
    }
}

#[tokio::test]
async fn on_the_demo_every_figure_counts_the_tickets_it_links_to() {
    let app = spawn_app(400).await;
    app.run_jobs().await;
    let c = conversations(&app.pool, all()).await.unwrap();
    let total = c.total.clone().unwrap();
    assert!(
        total.improved.n > 0 && total.worsened.n > 0,
        "the demo's threads move both ways: {total:?}"
    );
    assert!(c.by_agent.len() >= 3, "demo agents sign their replies");
    // The same split as each Ticket page's trajectory (single precision, 0.2 either way).
    let stored: Vec<(f32, f32, i32)> = sqlx::query_as(
        "SELECT sentiment_score, latest_score, customer_messages FROM ticket_analysis
         WHERE customer_messages >= 2",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut split = [0i64; 3];
    for (first, latest, messages) in stored {
        let t = Trajectory {
            first,
            latest,
            lowest: first.min(latest),
            messages: messages as u32,
        };
        split[Shift::ALL.iter().position(|s| *s == t.shift()).unwrap()] += 1;
    }
    assert_eq!(
        split,
        [total.improved.n, total.stayed.n, total.worsened.n],
        "improved, stayed, worsened"
    );
    let mut checked = 0;
    for f in std::iter::once(&total)
        .chain(&c.by_category)
        .chain(&c.by_product)
        .chain(&c.by_channel)
        .chain(&c.by_agent)
    {
        assert_eq!(
            listed(&app.pool, &f.tickets_href).await,
            f.tickets,
            "{}",
            f.label
        );
        for s in [&f.improved, &f.stayed, &f.worsened] {
            assert_eq!(
                listed(&app.pool, &s.href).await,
                s.n,
                "{} {}",
                f.label,
                s.href
            );
        }
        checked += 1;
    }
    for b in &c.lengths {
        assert_eq!(listed(&app.pool, &b.href).await, b.n, "{}", b.label);
    }
    assert!(checked > 20, "{checked} groups");
}
