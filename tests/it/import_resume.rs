//! An import whose process died mid-way (what `kill -9` leaves: its row unfinished, the batches
//! it committed stored) is listed as interrupted, and resuming it from the Data page adds the
//! rest of its uploaded file and nothing twice.

use crate::common;
use ticketlens::server::import::{formats::Format, ImportOptions, LayoutChoice};
use ticketlens::server::jobs::import;

fn file(rows: std::ops::Range<usize>) -> String {
    let mut out = String::from("external_id,created_at,subject,body,channel,priority,status\n");
    for i in rows {
        out.push_str(&format!(
            "R-{i},2026-01-05T10:00:00Z,Parcel {i},\"Parcel {i} has not arrived yet\",email,medium,open\n"
        ));
    }
    out
}

#[tokio::test]
async fn an_interrupted_upload_is_resumed_and_adds_only_the_rest() {
    let app = common::spawn_app(0).await;
    let pool = &app.pool;
    let whole = file(0..4000);
    // The batches the dead process had committed: the first 1,800 rows.
    let partial = ImportOptions {
        file_name: "parcels.csv".into(),
        layout: Format::Ticketlens.into(),
        source: Some("ticketlens".into()),
        user_id: None,
        upload_id: None,
    };
    import::run(
        pool,
        std::io::Cursor::new(file(0..1800).into_bytes()),
        partial,
    )
    .await
    .unwrap();
    // Its own import row, never finished, with no progress for ten minutes.
    let upload_id =
        ticketlens::server::db::uploads::save(pool, "parcels.csv", whole.as_bytes(), None)
            .await
            .unwrap();
    let plan = serde_json::json!({"layout": LayoutChoice::from(Format::Ticketlens), "source": "ticketlens"});
    let dead: i64 = sqlx::query_scalar(
        "INSERT INTO imports (file_name, format, source, started_at, progress_at, upload_id, plan, rows_read)
         VALUES ('parcels.csv', 'ticketlens', 'ticketlens', now() - interval '11 minutes', now() - interval '10 minutes', $1, $2, 0)
         RETURNING id",
    )
    .bind(upload_id)
    .bind(&plan)
    .fetch_one(pool)
    .await
    .unwrap();

    let admin = app.login("admin@example.com").await;
    let page: serde_json::Value = admin
        .post(format!("{}/api/imports", app.base))
        .form(&[("selected", dead.to_string())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let summary = &page["selected"]["summary"];
    assert_eq!(
        (summary["interrupted"].clone(), summary["resumable"].clone()),
        (true.into(), true.into()),
        "{page:#}"
    );

    let (status, location) = app
        .post_form(&admin, "/api/data/resume", &[("import", &dead.to_string())])
        .await;
    assert_eq!(status, 302);
    let resumed: i64 = location
        .strip_prefix("/data?import=")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{location}"));
    let (inserted, duplicates): (i64, i64) =
        sqlx::query_as("SELECT inserted, duplicates FROM imports WHERE id = $1")
            .bind(resumed)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!((inserted, duplicates), (2200, 1800));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 4000);
    let note: Option<String> = sqlx::query_scalar("SELECT failure FROM imports WHERE id = $1")
        .bind(dead)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        note.as_deref(),
        Some(format!("interrupted; resumed as import #{resumed}").as_str())
    );

    // Once resumed, it cannot be resumed again.
    let (_, location) = app
        .post_form(&admin, "/api/data/resume", &[("import", &dead.to_string())])
        .await;
    assert!(!location.starts_with("/data?import="), "{location}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM imports WHERE upload_id = $1")
        .bind(upload_id)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(n, 2, "the dead import and its one resume");
}
