//! The Data page's mapping screen over HTTP: an upload no layout knows opens it with suggested
//! fields, a value map fixes the preview's refused rows, importing saves the layout, its labels
//! become a labelled set, and the next file with the same header is imported by it directly.

use crate::common;

const CSV: &str = "Ref;Sent;From;Question;Prio;Feeling\n\
    R-1;13/02/2024 10:00;ann@example.com;My invoice is wrong and nobody answers my mails;Sev1;negative\n\
    R-2;14/02/2024 11:30;bob@example.com;How do I change the delivery address of my order?;Sev3;neutral\n\
    R-3;15/02/2024 09:00;cy@example.com;Thanks, the replacement works perfectly now;Sev3;positive\n";

fn upload(csv: &'static str, name: &'static str) -> reqwest::multipart::Form {
    let file = reqwest::multipart::Part::text(csv).file_name(name);
    reqwest::multipart::Form::new()
        .part("file", file)
        .text("format", "auto")
}

async fn screen(
    app: &common::TestApp,
    client: &reqwest::Client,
    upload: &str,
    search: &str,
) -> serde_json::Value {
    let res = client
        .post(format!("{}/api/data/map", app.base))
        .form(&[("upload", upload), ("search", search)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

#[tokio::test]
async fn an_unknown_file_is_mapped_previewed_imported_and_its_layout_reused() {
    let app = common::spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let res = admin
        .post(format!("{}/data/import", app.base))
        .multipart(upload(CSV, "crm.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let upload_id = location
        .strip_prefix("/data/map?upload=")
        .unwrap_or_else(|| panic!("{location}"))
        .to_string();

    // Suggested: every column but "Prio" (its values are no priority TicketLens knows).
    let s = screen(&app, &admin, &upload_id, "").await;
    let field = |s: &serde_json::Value, col: &str| {
        s["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == col)
            .map(|c| c["field"].clone())
            .unwrap()
    };
    assert_eq!(field(&s, "Ref"), "external_id");
    assert_eq!(field(&s, "Question"), "body");
    assert_eq!(field(&s, "From"), "customer_email");
    assert_eq!(field(&s, "Feeling"), "sentiment");
    assert_eq!(field(&s, "Sent"), "created_at");
    assert_eq!(s["date_format"], "%d/%m/%Y %H:%M");
    assert_eq!(s["preview"]["tickets"], 3, "{s:#}");

    // The admin maps Prio to priority: its values are refused until a value map covers them.
    let base = format!(
        "upload={upload_id}&mapped=1&col0=external_id&col1=created_at&col2=customer_email&col3=body&col4=priority&col5=sentiment&date_format=%25d%2F%25m%2F%25Y+%25H%3A%25M"
    );
    let s = screen(&app, &admin, &upload_id, &base).await;
    assert_eq!(s["preview"]["bad"], 3, "{s:#}");
    let vocab = &s["vocab"][0];
    assert_eq!(vocab["field"], "priority");
    assert_eq!(vocab["values"][0][0], "Sev3");
    assert_eq!(vocab["values"][0][1], 2);
    let mapped = format!("{base}&v.priority.Sev1=urgent&v.priority.Sev3=low&name=CRM+export");
    let s = screen(&app, &admin, &upload_id, &mapped).await;
    assert_eq!(
        (s["preview"]["bad"].clone(), s["preview"]["labels"].clone()),
        (0.into(), 3.into()),
        "{s:#}"
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "a preview writes nothing");

    // "Import" submits the mapping the screen shows (its query), previewed or not.
    let query = s["query"].as_str().unwrap().to_string();
    assert!(
        query.contains("v.priority.Sev1=urgent") && query.contains("name=CRM+export"),
        "{query}"
    );
    let (status, location) = app
        .post_form(
            &admin,
            "/api/data/map/import",
            &[("upload", &upload_id), ("search", &query)],
        )
        .await;
    assert_eq!(status, 302);
    assert!(location.starts_with("/data?import="), "{location}");
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT external_id, priority, gold_sentiment FROM tickets ORDER BY external_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        vec![
            ("R-1".into(), "urgent".into(), Some("negative".into())),
            ("R-2".into(), "low".into(), Some("neutral".into())),
            ("R-3".into(), "low".into(), Some("positive".into())),
        ]
    );

    // Its sentiment labels become a labelled set in one click.
    let import_id = location.trim_start_matches("/data?import=").to_string();
    let (status, location) = app
        .post_form(&admin, "/api/data/labels", &[("import", &import_id)])
        .await;
    assert_eq!(status, 302);
    assert!(location.starts_with("/evaluation?ok="), "{location}");
    let labels: Vec<String> = sqlx::query_scalar(
        "SELECT i.label FROM labelled_items i JOIN labelled_sets s ON s.id = i.set_id
         WHERE s.name = 'CRM export labels' ORDER BY i.label",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(labels, ["negative", "neutral", "positive"]);

    // The next export with the same header goes straight in through the saved layout.
    const NEXT: &str = "Ref;Sent;From;Question;Prio;Feeling\n\
        R-4;16/02/2024 08:00;dee@example.com;The app logs me out every five minutes;Sev1;negative\n";
    let res = admin
        .post(format!("{}/data/import", app.base))
        .multipart(upload(NEXT, "crm-2.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/data?import="));
    let (format, priority): (String, String) = sqlx::query_as(
        "SELECT i.format, t.priority FROM imports i, tickets t WHERE t.external_id = 'R-4' ORDER BY i.id DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (format.as_str(), priority.as_str()),
        ("CRM export", "urgent")
    );
    let source: String = sqlx::query_scalar("SELECT source FROM tickets WHERE external_id = 'R-4'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(source, "CRM export", "the same source as the first file");
}

#[tokio::test]
async fn the_mapping_screen_is_for_admins_and_says_why_a_file_cannot_be_read() {
    let app = common::spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let res = admin
        .post(format!("{}/data/import", app.base))
        .multipart(
            reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(vec![0x1f, 0x8b, 8, 0]).file_name("x.gz"),
                )
                .text("format", "map"),
        )
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let upload_id = location
        .strip_prefix("/data/map?upload=")
        .unwrap()
        .to_string();
    let s = screen(&app, &admin, &upload_id, "").await;
    assert!(s["problem"].as_str().unwrap().contains("gzip"), "{s:#}");
    let manager = app.login("manager@example.com").await;
    let res = manager
        .post(format!("{}/api/data/map", app.base))
        .form(&[("upload", upload_id.as_str()), ("search", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn an_upload_over_the_data_pages_limit_is_refused_in_a_sentence() {
    let app = common::spawn_app(0).await;
    let admin = app.login("admin@example.com").await;
    let big = vec![b'a'; ticketlens::features::data::server::MAX_UPLOAD_BYTES + 1];
    let res = admin
        .post(format!("{}/data/import", app.base))
        .multipart(
            reqwest::multipart::Form::new()
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(big).file_name("big.csv"),
                )
                .text("format", "auto"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let error: String = form_urlencoded::parse(location.trim_start_matches("/data?").as_bytes())
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{location}"));
    assert!(
        error.contains("64 MB") && error.contains("ticketlens import"),
        "{error}"
    );
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM import_uploads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing kept");
}
