//! Business hours in a named time zone with holidays, set on the Rules page, give escalations the
//! due times a team in that zone expects.

use crate::common::spawn_app;
use crate::escalation::{activate, rule, ticket, T};
use chrono::{DateTime, Utc};
use ticketlens::domain::rules::{Combine, Condition};
use ticketlens::server::db;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn berlin_hours_and_christmas_holidays_set_the_due_times() {
    let app = spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let save = |zone: &'static str, holidays: &'static str| {
        let admin = admin.clone();
        let url = format!("{}/api/rules/hours", app.base);
        async move {
            let mut form: Vec<(String, String)> = [
                ("start", "09:00"),
                ("end", "17:00"),
                ("time_zone", zone),
                ("holidays", holidays),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into();
            for d in 0..5 {
                form.push((format!("days[{d}]"), d.to_string()));
            }
            let res = admin.post(url).form(&form).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }
    };
    let (status, body) = save("Mars/Olympus", "").await;
    assert_eq!(status, 400);
    assert!(body.contains("not an IANA time zone"), "{body}");
    let (status, body) = save("Europe/Berlin", "date\n2025-12-24\n25/12/2025\n").await;
    assert_eq!(status, 400);
    assert!(body.contains("line 3"), "{body}");
    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:Christmas\nDTSTART;VALUE=DATE:20251224\nDTEND;VALUE=DATE:20251226\nEND:VEVENT\nEND:VCALENDAR\n";
    let (status, body) = save("Europe/Berlin", ics).await;
    assert!(status < 400, "{status} {body}");
    let sla = db::sla::settings(&app.pool).await.unwrap();
    assert_eq!(sla.zone, Some(chrono_tz::Europe::Berlin));
    assert_eq!(sla.hours.holidays.len(), 2);

    activate(
        &app,
        vec![rule(
            1,
            "Angry",
            Combine::Any,
            vec![Condition::SentimentAtMost { threshold: -0.5 }],
        )],
    )
    .await;
    // Tuesday 2025-12-23 16:00 in Berlin (15:00 UTC), high priority (4 business hours to answer,
    // 24 to resolve): one hour that day, none on the 24th and 25th, three on Friday the 26th from
    // 09:00 CET.
    let id = ticket(
        &app,
        T {
            text: "This is terrible, awful, the worst service ever!!!",
            priority: "high",
            created: at("2025-12-23T15:00:00Z"),
            ..T::default()
        },
    )
    .await;
    app.run_jobs().await;
    let (first, resolution): (DateTime<Utc>, DateTime<Utc>) = sqlx::query_as(
        "SELECT first_response_due, resolution_due FROM escalations WHERE ticket_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(first, at("2025-12-26T11:00:00Z"));
    // 24 hours: 1 on the 23rd, 8 on the 26th, none at the weekend, 8 on Monday the 29th, 7 on
    // Tuesday the 30th until 16:00 CET.
    assert_eq!(resolution, at("2025-12-30T15:00:00Z"));
}
