//! Working views of the inbox over HTTP: saved views with their counts (each user's own), bulk
//! assign and resolve, the due and sort filters, and due times in the viewer's time zone.

use crate::assignment::{agent, waiting};
use crate::common::{spawn_app, TestApp};
use serde_json::Value;

/// The inbox page's data for the query pairs, as the page reads it.
async fn inbox(app: &TestApp, client: &reqwest::Client, pairs: &[(&str, &str)]) -> Value {
    let form: Vec<(String, &str)> = pairs
        .iter()
        .map(|(k, v)| (format!("query[{k}]"), *v))
        .collect();
    let res = client
        .post(format!("{}/api/inbox", app.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Posts to a server function as a script does; the status and the body.
async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let res = client
        .post(format!("{}/api/{path}", app.base))
        .form(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

fn views(page: &Value) -> Vec<(String, String, i64)> {
    page["views"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_string(),
                v["query"].as_str().unwrap().to_string(),
                v["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn ids(page: &Value) -> Vec<i64> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ticket_id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn saved_views_keep_filters_count_their_tickets_and_belong_to_their_user() {
    let app = spawn_app(0).await;
    // The first of each queue is breached, the others due tomorrow.
    let billing = waiting(&app, "billing", 3).await;
    let legal = waiting(&app, "legal", 2).await;
    sqlx::query(
        "UPDATE escalations SET first_response_due = CASE WHEN ticket_id = ANY($1)
                THEN now() - interval '1 hour' ELSE now() + interval '1 day' END",
    )
    .bind([billing[0], legal[0]])
    .execute(&app.pool)
    .await
    .unwrap();
    let agent = app.login("agent@example.com").await;

    // The page and the other parameters of the URL are not part of a view.
    let (status, location) = app
        .post_form(
            &agent,
            "/api/inbox/views/save",
            &[
                ("name", "Billing"),
                ("query", "?queue=billing&sort=severity&page=3&ok=x"),
            ],
        )
        .await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("/inbox?queue=billing&sort=severity&ok="),
        "{location}"
    );
    let page = inbox(&app, &agent, &[]).await;
    assert_eq!(
        views(&page),
        [("Billing".into(), "queue=billing&sort=severity".into(), 3)]
    );
    app.post_form(
        &agent,
        "/api/inbox/views/save",
        &[
            ("name", "Unassigned legal"),
            ("query", "queue=legal&assignee=none"),
        ],
    )
    .await;
    // The same name again takes the new filters.
    app.post_form(
        &agent,
        "/api/inbox/views/save",
        &[("name", "Billing"), ("query", "queue=billing&due=breached")],
    )
    .await;
    let page = inbox(&app, &agent, &[]).await;
    assert_eq!(
        views(&page),
        [
            ("Billing".into(), "queue=billing&due=breached".into(), 1),
            (
                "Unassigned legal".into(),
                "queue=legal&assignee=none".into(),
                2
            ),
        ]
    );

    // Another user sees none of them and cannot delete them.
    let manager = app.login("manager@example.com").await;
    assert!(views(&inbox(&app, &manager, &[]).await).is_empty());
    let id = page["views"][0]["id"].as_i64().unwrap().to_string();
    let (status, _) = call(&app, &manager, "inbox/views/delete", &[("id", &id)]).await;
    assert_eq!(status, 404);

    for (name, why) in [
        ("", "1 to 60"),
        ("a\u{7}b", "control"),
        (&"x".repeat(61), "1 to 60"),
    ] {
        let (status, body) = call(
            &app,
            &agent,
            "inbox/views/save",
            &[("name", name), ("query", "")],
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains(why), "{body}");
    }
    for i in 0..18 {
        let name = format!("View {i}");
        let (status, body) = call(
            &app,
            &agent,
            "inbox/views/save",
            &[("name", &name), ("query", "")],
        )
        .await;
        assert!(status < 400, "{body}");
    }
    let (status, body) = call(
        &app,
        &agent,
        "inbox/views/save",
        &[("name", "One too many"), ("query", "")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("delete one first"), "{body}");

    let (status, _) = app
        .post_form(&agent, "/api/inbox/views/delete", &[("id", &id)])
        .await;
    assert_eq!(status, 302);
    let left = views(&inbox(&app, &agent, &[]).await);
    assert_eq!(left.len(), 19);
    assert!(left.iter().all(|(name, _, _)| name != "Billing"));
}

#[tokio::test]
async fn bulk_actions_assign_and_resolve_open_tickets_and_skip_the_rest() {
    let app = spawn_app(0).await;
    let ann = agent(&app, "Ann", 10).await;
    let tickets = waiting(&app, "billing", 3).await;
    let agent = app.login("agent@example.com").await;
    let (a, b, c) = (
        tickets[0].to_string(),
        tickets[1].to_string(),
        tickets[2].to_string(),
    );

    let to_ann = format!("assign:{ann}");
    let (status, location) = app
        .post_form(
            &agent,
            "/api/inbox/bulk",
            &[
                ("tickets[0]", &a),
                ("tickets[2]", &c),
                ("action", &to_ann),
                ("back", "queue=billing"),
            ],
        )
        .await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("/inbox?queue=billing&ok=2+tickets+assigned+to+Ann"),
        "{location}"
    );
    let assignees: Vec<Option<i64>> = sqlx::query_scalar(
        "SELECT assignee_id FROM escalations WHERE ticket_id = ANY($1) ORDER BY ticket_id",
    )
    .bind(&tickets)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(assignees, [Some(ann), None, Some(ann)]);
    let trail: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM escalation_activity WHERE ticket_id = ANY($1) AND kind = 'assigned'",
    )
    .bind(&tickets)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(trail, 2, "each ticket's trail says it was assigned");

    // "Assign to me" claims: never a ticket someone else holds; a ticket ticked twice counts once;
    // a ticket already where it is asked to go is skipped.
    let (_, location) = app
        .post_form(
            &agent,
            "/api/inbox/bulk",
            &[
                ("tickets[0]", &a),
                ("tickets[1]", &b),
                ("tickets[2]", &b),
                ("action", "assign:me"),
                ("back", ""),
            ],
        )
        .await;
    assert!(
        location.contains("1+ticket+assigned+to+you.+1+skipped%3A+someone+else+holds+them."),
        "{location}"
    );
    let (_, location) = app
        .post_form(
            &agent,
            "/api/inbox/bulk",
            &[("tickets[0]", &a), ("action", &to_ann), ("back", "")],
        )
        .await;
    assert!(
        location.contains("0+tickets+assigned+to+Ann.+1+skipped%3A+already+so."),
        "{location}"
    );

    // One is resolved meanwhile: the bulk resolve takes the other two and says so.
    call(
        &app,
        &agent,
        "escalation/resolve",
        &[("ticket_id", &b), ("needed", "yes"), ("note", "")],
    )
    .await;
    let (status, location) = app
        .post_form(
            &agent,
            "/api/inbox/bulk",
            &[
                ("tickets[0]", &a),
                ("tickets[1]", &b),
                ("tickets[2]", &c),
                ("action", "resolve:no"),
                ("back", ""),
            ],
        )
        .await;
    assert_eq!(status, 302);
    assert!(
        location.contains("2+tickets+resolved.+1+skipped%3A+no+longer+open."),
        "{location}"
    );
    let verdicts: Vec<(String, Option<bool>)> = sqlx::query_as(
        "SELECT status, verdict FROM escalations WHERE ticket_id = ANY($1) ORDER BY ticket_id",
    )
    .bind(&tickets)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        verdicts,
        [
            ("resolved".into(), Some(false)),
            ("resolved".into(), Some(true)),
            ("resolved".into(), Some(false)),
        ]
    );

    for (form, why) in [
        (
            vec![("action", "assign:me"), ("back", "")],
            "Select at least one",
        ),
        (
            vec![
                ("tickets[0]", a.as_str()),
                ("action", "delete:all"),
                ("back", ""),
            ],
            "Unknown bulk action",
        ),
        (
            vec![
                ("tickets[0]", a.as_str()),
                ("action", "assign:999999"),
                ("back", ""),
            ],
            "No such active user",
        ),
    ] {
        let (status, body) = call(&app, &agent, "inbox/bulk", &form).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains(why), "{body}");
    }
    let (status, _) = call(
        &app,
        &app.anonymous(),
        "inbox/bulk",
        &[("tickets[0]", &a), ("action", "assign:me"), ("back", "")],
    )
    .await;
    assert_ne!(status, 200, "anonymous visitors work no tickets");
}

#[tokio::test]
async fn due_filters_sorts_and_the_viewers_time_zone() {
    let app = spawn_app(0).await;
    let tickets = waiting(&app, "billing", 3).await;
    // The first is breached, the second at risk, the third on time; the third is the newest
    // ticket and the most severe.
    for (id, due, warn, severity, created) in [
        (
            tickets[0],
            "2026-07-01 12:00+00",
            "2026-07-01 11:00+00",
            1,
            "-3 days",
        ),
        (
            tickets[1],
            "2999-01-01 00:00+00",
            "2000-01-01 00:00+00",
            2,
            "-2 days",
        ),
        (
            tickets[2],
            "2999-01-02 00:00+00",
            "2999-01-01 00:00+00",
            4,
            "-1 day",
        ),
    ] {
        sqlx::query(
            "UPDATE escalations SET first_response_due = $2::timestamptz, first_response_warn = $3::timestamptz,
                    severity = $4 WHERE ticket_id = $1",
        )
        .bind(id)
        .bind(due)
        .bind(warn)
        .bind(severity as i16)
        .execute(&app.pool)
        .await
        .unwrap();
        sqlx::query("UPDATE tickets SET created_at = now() + $2::interval WHERE id = $1")
            .bind(id)
            .bind(created)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    let agent = app.login("agent@example.com").await;
    for (pairs, expected) in [
        (vec![], vec![tickets[0], tickets[1], tickets[2]]),
        (vec![("due", "breached")], vec![tickets[0]]),
        (vec![("due", "at_risk")], vec![tickets[1]]),
        (
            vec![("sort", "severity")],
            vec![tickets[2], tickets[1], tickets[0]],
        ),
        (
            vec![("sort", "newest")],
            vec![tickets[2], tickets[1], tickets[0]],
        ),
        (
            vec![("sort", "oldest")],
            vec![tickets[0], tickets[1], tickets[2]],
        ),
    ] {
        let page = inbox(&app, &agent, &pairs).await;
        assert_eq!(ids(&page), expected, "{pairs:?}");
        assert_eq!(
            page["total"].as_i64().unwrap(),
            expected.len() as i64,
            "{pairs:?}"
        );
    }

    // Without a zone of their own or the team's, due times are in UTC.
    let page = inbox(&app, &agent, &[("due", "breached")]).await;
    assert_eq!(
        (page["zone"].as_str(), page["own_zone"].as_bool()),
        (Some("UTC"), Some(false))
    );
    assert_eq!(page["rows"][0]["due_local"], "Wed 1 Jul 12:00");
    // The team's zone (summer time in New York), then the viewer's own.
    sqlx::query(
        "INSERT INTO app_settings (key, value) VALUES ('sla.business_hours', $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
    )
    .bind(serde_json::json!({
        "utc_offset_minutes": 0, "time_zone": "America/New_York",
        "days": [true, true, true, true, true, false, false], "start_minute": 540, "end_minute": 1020
    }))
    .execute(&app.pool)
    .await
    .unwrap();
    let page = inbox(&app, &agent, &[("due", "breached")]).await;
    assert_eq!(page["zone"], "America/New_York");
    assert_eq!(page["rows"][0]["due_local"], "Wed 1 Jul 08:00");
    let (status, location) = app
        .post_form(&agent, "/api/inbox/time-zone", &[("zone", "Europe/Berlin")])
        .await;
    assert_eq!(status, 302, "{location}");
    let page = inbox(&app, &agent, &[("due", "breached")]).await;
    assert_eq!(
        (page["zone"].as_str(), page["own_zone"].as_bool()),
        (Some("Europe/Berlin"), Some(true))
    );
    assert_eq!(page["rows"][0]["due_local"], "Wed 1 Jul 14:00");
    // Another viewer still reads the team's zone.
    let manager = app.login("manager@example.com").await;
    let page = inbox(&app, &manager, &[("due", "breached")]).await;
    assert_eq!(page["rows"][0]["due_local"], "Wed 1 Jul 08:00");

    let (status, body) = call(&app, &agent, "inbox/time-zone", &[("zone", "Mars/Olympus")]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("not a time zone"), "{body}");
    app.post_form(&agent, "/api/inbox/time-zone", &[("zone", "")])
        .await;
    let page = inbox(&app, &agent, &[("due", "breached")]).await;
    assert_eq!(
        (page["zone"].as_str(), page["own_zone"].as_bool()),
        (Some("America/New_York"), Some(false))
    );
}
