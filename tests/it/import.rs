//! CSV import: every supported layout, bad rows reported by line and skipped, no duplicates on re-import.

use crate::common;
use common::fresh_pool;
use std::path::Path;
use ticketlens::server::import::{formats::Format, ImportOptions, ImportReport, LayoutChoice};
use ticketlens::server::jobs::import;

fn fixture(name: &str) -> std::fs::File {
    std::fs::File::open(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

async fn run(
    pool: &sqlx::PgPool,
    input: impl std::io::Read + Send + 'static,
    format: Option<Format>,
) -> ImportReport {
    let opts = ImportOptions {
        file_name: "test.csv".into(),
        layout: format.map_or(LayoutChoice::Detect, Into::into),
        source: None,
        user_id: None,
        upload_id: None,
    };
    import::run(pool, input, opts).await.unwrap()
}

#[tokio::test]
async fn kaggle_layout_imports_good_rows_and_reports_bad_ones_by_line() {
    let pool = fresh_pool().await;
    let r = run(&pool, fixture("kaggle_small.csv"), None).await;
    assert_eq!(r.format, "kaggle");
    assert_eq!((r.rows_read, r.inserted, r.skipped), (6, 2, 4), "{r:#?}");
    // Line numbers are those of the file, counting the embedded line break of ticket 1.
    assert_eq!(
        r.errors,
        vec![
            (6, "unknown Ticket Priority \"Whenever\"".to_string()),
            (
                7,
                "satisfaction rating \"9\" is not between 1 and 5".to_string()
            ),
            (
                8,
                "First Response Time \"yesterday\" is not a date-time".to_string()
            ),
            (9, "has 4 fields, the header has 17".to_string()),
        ]
    );
    let (body, priority, channel, csat, customer): (String, String, String, Option<i16>, String) = sqlx::query_as(
        "SELECT t.body, t.priority, t.channel, t.csat, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id
         WHERE external_id = '1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(body, "My phone dies after an hour.\n\nPlease help.");
    assert_eq!(
        (priority.as_str(), channel.as_str(), csat, customer.as_str()),
        ("high", "email", Some(4), "jo@example.com")
    );
    let urgent: String = sqlx::query_scalar("SELECT priority FROM tickets WHERE external_id = '2'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(urgent, "urgent", "Critical maps to urgent");
    // The report is kept for the Data page.
    let stored: Vec<(i64, String)> =
        ticketlens::server::db::imports::errors(&pool, r.import_id, 10)
            .await
            .unwrap();
    assert_eq!(stored.len(), 4);
}

#[tokio::test]
async fn reimporting_the_same_file_creates_no_duplicates() {
    let pool = fresh_pool().await;
    let first = run(&pool, fixture("kaggle_small.csv"), None).await;
    let second = run(&pool, fixture("kaggle_small.csv"), None).await;
    assert_eq!(first.inserted, 2);
    assert_eq!((second.inserted, second.duplicates), (0, 2));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
    let customers: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(customers, 2, "jo@example.com is one customer");

    // Another system's file with the same ids and e-mails is another source: no merging.
    let opts = ImportOptions {
        file_name: "other.csv".into(),
        layout: LayoutChoice::Detect,
        source: Some("crm-b".into()),
        user_id: None,
        upload_id: None,
    };
    let other = import::run(&pool, fixture("kaggle_small.csv"), opts)
        .await
        .unwrap();
    assert_eq!((other.inserted, other.duplicates), (2, 0));
    let customers: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(customers, 4);
}

#[tokio::test]
async fn twcs_layout_threads_conversations_and_flags_broken_records() {
    let pool = fresh_pool().await;
    let r = run(&pool, fixture("twcs_small.csv"), None).await;
    assert_eq!(r.format, "twcs");
    // Tweets 11 and 12 open conversations; 10 is the brand's reply to 11 (its agent reply) and
    // 13 the customer's follow-up to 10 (a later message); the bare \r\r in tweet 14 splits its
    // record (as in the real file) into two broken rows.
    assert_eq!((r.inserted, r.messages), (2, 1), "{r:#?}");
    assert!(
        !r.errors.is_empty(),
        "the broken record must be reported: {r:#?}"
    );
    let thread: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT m.kind, m.external_id FROM messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE t.external_id = '11' ORDER BY m.created_at, m.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let kinds: Vec<&str> = thread.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["customer", "agent", "customer"], "{thread:?}");
    assert_eq!(thread[2].1.as_deref(), Some("13"));
    let product: String = sqlx::query_scalar("SELECT p.name FROM tickets t JOIN products p ON p.id = t.product_id WHERE external_id = '11'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(product, "AcmeCares");
    // The counts and the summary of reasons are kept for the Data page.
    let (reasons, messages): (serde_json::Value, i64) =
        sqlx::query_as("SELECT reasons, messages FROM imports WHERE id = $1")
            .bind(r.import_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    let counted: u64 = reasons
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!((counted, messages), (r.skipped, 1), "{reasons}");
}

#[tokio::test]
async fn multilang_layout_unescapes_line_breaks_and_derives_stable_ids() {
    let pool = fresh_pool().await;
    let r = run(&pool, fixture("multilang_small.csv"), None).await;
    assert_eq!(r.format, "multilang");
    assert_eq!((r.inserted, r.skipped), (2, 1), "{r:#?}");
    assert_eq!(
        r.errors,
        vec![(4, "unknown priority \"urgent-ish\"".to_string())]
    );
    let (subject, body, category, language): (String, String, String, String) = sqlx::query_as(
        "SELECT subject, body, category, language FROM tickets WHERE language = 'de'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        subject, "Keine Rechnung erhalten",
        "a missing subject comes from the body"
    );
    assert_eq!(
        (body.as_str(), category.as_str(), language.as_str()),
        ("Keine Rechnung erhalten", "Billing and Payments", "de")
    );
    let body: String = sqlx::query_scalar("SELECT body FROM tickets WHERE subject = 'Login fails'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(body, "I cannot log in.\nIt says error 403.");
    let again = run(&pool, fixture("multilang_small.csv"), None).await;
    assert_eq!(again.duplicates, 2);
}

#[tokio::test]
async fn unknown_layouts_and_missing_columns_fail_with_a_clear_message() {
    let pool = fresh_pool().await;
    let opts = ImportOptions {
        file_name: "x.csv".into(),
        layout: LayoutChoice::Detect,
        source: None,
        user_id: None,
        upload_id: None,
    };
    let err = import::run(&pool, "a,b\n1,2\n".as_bytes(), opts.clone())
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("no layout knows these columns (a, b)"),
        "{err:#}"
    );
    let opts = ImportOptions {
        layout: Format::Kaggle.into(),
        ..opts
    };
    let err = import::run(&pool, "Ticket ID\n1\n".as_bytes(), opts)
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("lacks columns the kaggle layout needs: Ticket Description"),
        "{err:#}"
    );
}

#[tokio::test]
async fn demo_csv_round_trips_through_the_ticketlens_layout() {
    use ticketlens::server::tools::demo::{self, DemoConfig};
    let pool = fresh_pool().await;
    let cfg = DemoConfig {
        tickets: 1500,
        seed: 3,
        end: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.csv");
    ticketlens::server::tools::bench::write_demo_csv(&cfg, &path, true).unwrap();
    let r = run(&pool, std::fs::File::open(&path).unwrap(), None).await;
    let until = demo::cutoff(&cfg);
    let follow_ups: usize = demo::generate(&cfg)
        .map(|t| demo::follow_ups(cfg.seed, &t, until).len())
        .sum();
    assert!(follow_ups > 100, "the demo writes threads: {follow_ups}");
    assert_eq!(
        (r.format.as_str(), r.inserted, r.messages, r.skipped),
        ("ticketlens", 1500, follow_ups as u64, 0),
        "{r:#?}"
    );
    let first = demo::generate(&cfg).next().unwrap();
    let (subject, body, sentiment): (String, String, Option<String>) =
        sqlx::query_as("SELECT subject, body, gold_sentiment FROM tickets WHERE external_id = $1")
            .bind(&first.external_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((subject, body), (first.subject, first.body));
    assert_eq!(sentiment.as_deref(), first.sentiment.map(|s| s.as_str()));
}

/// The public data sets in ../shared/datasets, when present (they are never copied into the repo).
fn shared(name: &str) -> Option<std::fs::File> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets")
        .join(name);
    match std::fs::File::open(&path) {
        Ok(f) => Some(f),
        Err(_) => {
            eprintln!(
                "SKIPPED: {} is absent (the shared data sets are not on this machine)",
                path.display()
            );
            None
        }
    }
}

#[tokio::test]
async fn imports_the_shared_public_data_sets() {
    let pool = fresh_pool().await;
    let cases: &[(&str, Format, u64)] = &[
        ("customer_support_tickets.csv", Format::Kaggle, 8469),
        (
            "aa_dataset-tickets-multi-lang-5-2-50-version.first1872.csv",
            Format::Multilang,
            1872,
        ),
        (
            "dataset-tickets-multi-lang-4-20k.first2181.csv",
            Format::Multilang,
            2181,
        ),
        ("helpdesk_customer_tickets.csv", Format::Multilang, 600),
    ];
    for (name, format, rows) in cases {
        let Some(file) = shared(name) else { return };
        let r = run(&pool, std::io::BufReader::new(file), None).await;
        assert_eq!(r.format, format.name(), "{name}");
        assert_eq!(r.rows_read, *rows, "{name}");
        assert_eq!(r.inserted + r.duplicates + r.skipped, *rows, "{name}");
        assert!(
            r.skipped * 100 <= *rows,
            "{name}: too many skipped: {:?}",
            r.reasons
        );
    }
    let Some(file) = shared("twcs.first5000.csv") else {
        return;
    };
    let r = run(&pool, std::io::BufReader::new(file), None).await;
    assert_eq!(r.format, "twcs");
    assert!(r.inserted > 1000 && r.messages > 1000, "{r:?}");
    assert!(
        !r.errors.is_empty(),
        "tweet 3399's broken record must be reported"
    );
    // Every tweet is a message of some conversation, or skipped with its reason.
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.source = 'twcs'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored as u64 + r.skipped, r.rows_read, "{r:?}");
}

#[tokio::test]
async fn only_admins_may_upload_and_an_upload_is_imported() {
    let app = common::spawn_app(0).await;
    let csv = "external_id,created_at,subject,body,channel,priority,status\n\
               U-1,2026-01-05T10:00:00Z,Printer jam,The printer jams,email,high,open\n";
    let form = || {
        let file = reqwest::multipart::Part::text(csv).file_name("up.csv");
        reqwest::multipart::Form::new()
            .part("file", file)
            .text("format", "auto")
    };
    for email in ["agent@example.com", "manager@example.com"] {
        let client = app.login(email).await;
        let res = client
            .post(format!("{}/data/import", app.base))
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{email}");
    }
    let anonymous = app
        .anonymous()
        .post(format!("{}/data/import", app.base))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 403);
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 0);

    let admin = app.login("admin@example.com").await;
    let res = admin
        .post(format!("{}/data/import", app.base))
        .multipart(form())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/data?import="));
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(n, 1);
}
