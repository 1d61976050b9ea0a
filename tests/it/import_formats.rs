//! Imports of exports TicketLens has no layout for: a column mapping saved as a layout and found
//! again by the header, the same rows as CSV in several encodings and delimiters, XLSX, JSON and
//! NDJSON, and bad files refused in one sentence.

use crate::common::fresh_pool;
use std::collections::BTreeSet;
use ticketlens::domain::mapping::{Field, Mapping};
use ticketlens::server::import::{ImportOptions, ImportReport, LayoutChoice};
use ticketlens::server::jobs::import;

const HEADER: [&str; 7] = [
    "Case #", "Opened", "Customer", "Mail", "Message", "Urgency", "Mood",
];

/// Four rows of a help desk's export; the fourth has an urgency no map knows.
fn rows() -> Vec<[&'static str; 7]> {
    vec![
        [
            "C-1",
            "03/02/2024 09:15",
            "Zoë Brandt",
            "zoe@example.com",
            "Le café machine arrived broken, I want a refund",
            "P0",
            "negative",
        ],
        [
            "C-2",
            "04/02/2024 10:00",
            "Ann Lee",
            "ann@example.com",
            "How do I change the delivery address?",
            "P3",
            "neutral",
        ],
        [
            "C-3",
            "13/02/2024 17:45",
            "Bo Chen",
            "bo@example.com",
            "Thanks, the replacement works perfectly",
            "P2",
            "positive",
        ],
        [
            "C-4",
            "14/02/2024 08:00",
            "Cy Dorn",
            "cy@example.com",
            "Still waiting for an answer",
            "whenever",
            "negative",
        ],
    ]
}

fn mapping() -> Mapping {
    let mut m = Mapping::parse_pairs(
        "external_id=Case #,created_at=Opened,customer_name=Customer,customer_email=Mail,body=Message,priority=Urgency,sentiment=Mood",
    )
    .unwrap();
    m.values
        .entry(Field::Priority)
        .or_default()
        .insert("P0".into(), "urgent".into());
    m.date_format = Some("%d/%m/%Y %H:%M".into());
    m.time_zone = Some("Europe/Berlin".into());
    m
}

fn csv_text(delimiter: char) -> String {
    let mut out = String::new();
    for r in std::iter::once(HEADER).chain(rows()) {
        let cells: Vec<String> = r.iter().map(|c| format!("\"{c}\"")).collect();
        out.push_str(&cells.join(&delimiter.to_string()));
        out.push_str("\r\n");
    }
    out
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

fn objects() -> Vec<serde_json::Value> {
    rows()
        .iter()
        .map(|r| {
            // Nested as an API would: the customer's fields in an object.
            serde_json::json!({
                "Case #": r[0], "Opened": r[1],
                "customer": {"name": r[2], "mail": r[3]},
                "Message": r[4], "Urgency": r[5], "Mood": r[6],
            })
        })
        .collect()
}

fn json_mapping() -> Mapping {
    let mut m = mapping();
    m.columns
        .insert(Field::CustomerName, "customer.name".into());
    m.columns
        .insert(Field::CustomerEmail, "customer.mail".into());
    m
}

fn xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{Formula, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows().iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            if c == 0 {
                // A formula cell: its saved value is taken, the formula never evaluated.
                let f = Formula::new(format!("=CONCATENATE(\"C-\",\"{}\")", r)).set_result(*v);
                sheet.write_formula(r, c, f).unwrap();
            } else {
                sheet.write_string(r, c, *v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

async fn run(
    pool: &sqlx::PgPool,
    bytes: Vec<u8>,
    source: &str,
    layout: LayoutChoice,
) -> anyhow::Result<ImportReport> {
    let opts = ImportOptions {
        file_name: format!("{source}.file"),
        layout,
        source: Some(source.into()),
        user_id: None,
        upload_id: None,
    };
    import::run(pool, std::io::Cursor::new(bytes), opts).await
}

fn mapped(m: Mapping) -> LayoutChoice {
    LayoutChoice::Mapping {
        mapping: m,
        save_as: None,
    }
}

/// id, created (UTC), body, priority, e-mail, gold sentiment, customer name.
type Row = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
);
type Stored = BTreeSet<Row>;

async fn stored(pool: &sqlx::PgPool, source: &str) -> Stored {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.external_id, to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), t.body,
                t.priority, c.email, t.gold_sentiment, c.name
         FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.source = $1",
    )
    .bind(source)
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().collect()
}

#[tokio::test]
async fn a_mapped_latin1_file_imports_with_its_labels_and_its_saved_layout_is_found_again() {
    let pool = fresh_pool().await;
    let bytes = latin1(&csv_text(';'));
    let choice = LayoutChoice::Mapping {
        mapping: mapping(),
        save_as: Some("Helpdesk export".into()),
    };
    let r = run(&pool, bytes.clone(), "helpdesk", choice).await.unwrap();
    assert_eq!(r.format, "Helpdesk export");
    assert_eq!((r.rows_read, r.inserted, r.skipped), (4, 3, 1), "{r:#?}");
    assert_eq!(
        r.errors,
        vec![(5, "unknown priority \"whenever\"".to_string())]
    );
    let got = stored(&pool, "helpdesk").await;
    let first = got.iter().next().unwrap();
    // 09:15 in Berlin in February is 08:15 UTC; the Latin-1 "é" and "ë" read right.
    assert_eq!(first.1, "2024-02-03 08:15");
    assert!(first.2.contains("café"), "{first:?}");
    assert_eq!(first.6, "Zoë Brandt");
    assert_eq!(
        (first.3.as_str(), first.5.as_deref()),
        ("urgent", Some("negative"))
    );
    assert!(got
        .iter()
        .any(|t| t.0 == "C-3" && t.1 == "2024-02-13 16:45"));

    // The same header again, no layout named: the saved one is found by its fingerprint.
    let again = run(&pool, bytes, "helpdesk", LayoutChoice::Detect)
        .await
        .unwrap();
    assert_eq!(again.format, "Helpdesk export");
    assert_eq!((again.inserted, again.duplicates), (0, 3));
    let layout_id: Option<i64> = sqlx::query_scalar("SELECT layout_id FROM imports WHERE id = $1")
        .bind(again.import_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(layout_id.is_some());
}

#[tokio::test]
async fn every_kind_of_file_gives_the_same_tickets() {
    let pool = fresh_pool().await;
    let text = csv_text(',');
    let ndjson: String = objects().iter().map(|o| format!("{o}\n")).collect();
    let array = serde_json::to_string_pretty(&objects()).unwrap();
    let files: Vec<(&str, Vec<u8>, Mapping)> = vec![
        ("utf8", text.clone().into_bytes(), mapping()),
        (
            "utf8bom-tab",
            [&[0xEF, 0xBB, 0xBF][..], csv_text('\t').as_bytes()].concat(),
            mapping(),
        ),
        ("latin1-semicolon", latin1(&csv_text(';')), mapping()),
        ("utf16-pipe", utf16le_with_bom(&csv_text('|')), mapping()),
        ("xlsx", xlsx(), mapping()),
        ("ndjson", ndjson.into_bytes(), json_mapping()),
        ("json", array.into_bytes(), json_mapping()),
    ];
    let mut reference: Option<Stored> = None;
    for (source, bytes, m) in files {
        let r = run(&pool, bytes, source, mapped(m)).await.unwrap();
        assert_eq!((r.inserted, r.skipped), (3, 1), "{source}: {r:#?}");
        let got = stored(&pool, source).await;
        assert_eq!(got.len(), 3, "{source}");
        match &reference {
            None => reference = Some(got),
            Some(want) => assert_eq!(&got, want, "{source} differs from utf8"),
        }
    }
}

#[tokio::test]
async fn bad_files_are_refused_in_one_sentence_and_write_nothing() {
    let pool = fresh_pool().await;
    let header_only = format!("{}\n", HEADER.join(","));
    let cases: Vec<(&str, Vec<u8>, LayoutChoice, &str)> = vec![
        (
            "empty",
            Vec::new(),
            LayoutChoice::Detect,
            "the file is empty",
        ),
        (
            "gzip",
            vec![0x1f, 0x8b, 8, 0, 0, 0],
            LayoutChoice::Detect,
            "gzip",
        ),
        (
            "binary",
            (0u8..=255).cycle().take(4096).collect(),
            LayoutChoice::Detect,
            "binary",
        ),
        (
            "unknown",
            csv_text(',').into_bytes(),
            LayoutChoice::Detect,
            "no layout knows these columns",
        ),
        (
            "header-only",
            header_only.into_bytes(),
            mapped(mapping()),
            "a header and no rows",
        ),
        (
            "no-text",
            csv_text(',').into_bytes(),
            mapped(Mapping::parse_pairs("external_id=Case #").unwrap()),
            "no column is mapped to the message text",
        ),
        (
            "missing-column",
            csv_text(',').into_bytes(),
            mapped(Mapping::parse_pairs("body=Text").unwrap()),
            "no column named \"Text\"",
        ),
        (
            "broken-zip",
            b"PK\x03\x04 not really a workbook".to_vec(),
            LayoutChoice::Detect,
            "cannot be read as one",
        ),
    ];
    for (source, bytes, choice, want) in cases {
        let err = run(&pool, bytes, source, choice).await.unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains(want), "{source}: {msg}");
        assert!(!msg.contains('\n'), "{source}: one sentence: {msg}");
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn a_json_array_broken_midway_keeps_the_records_before_and_says_where() {
    let pool = fresh_pool().await;
    let mut text = serde_json::to_string(&objects()).unwrap();
    // Cut inside the fourth object.
    let cut = text.rfind("{\"Case #\"").unwrap() + 12;
    text.truncate(cut);
    let r = run(&pool, text.into_bytes(), "broken", mapped(json_mapping()))
        .await
        .unwrap();
    assert_eq!((r.inserted, r.skipped), (3, 1), "{r:#?}");
    assert_eq!(r.errors.len(), 1);
    let (record, why) = &r.errors[0];
    assert_eq!(*record, 4, "the fourth element");
    assert!(
        why.contains("is not valid JSON") && why.contains("nothing after it"),
        "{why}"
    );
    assert_eq!(stored(&pool, "broken").await.len(), 3);
}

#[tokio::test]
async fn a_newest_first_export_with_a_parent_column_keeps_every_message_in_its_thread() {
    let pool = fresh_pool().await;
    // Replies (and a reply to a reply) come before the ticket they answer; nothing is lost.
    let text = "id,parent,sent,text,agent\n\
        m3,m2,2026-03-01 12:00,Still waiting for the refund,\n\
        m2,t1,2026-03-01 11:00,We are on it,Alex\n\
        t1,,2026-03-01 10:00,My refund never came,\n\
        t2,,2026-03-02 09:00,Where is my parcel,\n";
    let m = Mapping::parse_pairs(
        "external_id=id,thread_id=parent,created_at=sent,body=text,agent=agent",
    )
    .unwrap();
    let r = run(&pool, text.as_bytes().to_vec(), "desk", mapped(m.clone()))
        .await
        .unwrap();
    assert_eq!((r.inserted, r.messages, r.skipped), (2, 2, 0), "{r:#?}");
    let thread: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT t.external_id, m.kind, m.body FROM messages m JOIN tickets t ON t.id = m.ticket_id
         WHERE t.source = 'desk' ORDER BY m.created_at",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let t1 = |kind: &str, body: &str| ("t1".to_string(), kind.to_string(), body.to_string());
    assert_eq!(
        thread,
        [
            t1("customer", "My refund never came"),
            t1("agent", "We are on it"),
            t1("customer", "Still waiting for the refund"),
            ("t2".into(), "customer".into(), "Where is my parcel".into()),
        ]
    );
    // Importing it again adds nothing.
    let again = run(&pool, text.as_bytes().to_vec(), "desk", mapped(m))
        .await
        .unwrap();
    assert_eq!((again.inserted, again.messages), (0, 0), "{again:#?}");
}

#[tokio::test]
async fn a_latin1_file_whose_first_accent_comes_late_is_read_whole() {
    let pool = fresh_pool().await;
    let mut text = String::from("id,text\n");
    for i in 0..3000 {
        text.push_str(&format!("a{i},plain question number {i}\n"));
    }
    assert!(text.len() > 64 * 1024, "past the sniffed start");
    text.push_str("z1,Le colis est arrivé cassé\n");
    let m = Mapping::parse_pairs("external_id=id,body=text").unwrap();
    let r = run(&pool, latin1(&text), "late", mapped(m)).await.unwrap();
    assert_eq!((r.inserted, r.skipped), (3001, 0), "{r:#?}");
    let body: String =
        sqlx::query_scalar("SELECT body FROM tickets WHERE source = 'late' AND external_id = 'z1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(body, "Le colis est arrivé cassé");
}

#[tokio::test]
async fn a_file_mixing_utf8_and_latin1_keeps_its_utf8_rows_and_refuses_the_others_by_line() {
    let pool = fresh_pool().await;
    let mut bytes = "id,text\nu1,Le colis est arrivé cassé\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(b"l1,Livr\xE9 en retard\n");
    bytes.extend_from_slice("u2,Très bien merci\n".as_bytes());
    let m = Mapping::parse_pairs("external_id=id,body=text").unwrap();
    let r = run(&pool, bytes, "mixed", mapped(m)).await.unwrap();
    assert_eq!((r.inserted, r.skipped), (2, 1), "{r:#?}");
    assert_eq!(r.errors.len(), 1);
    let (line, why) = &r.errors[0];
    assert_eq!(*line, 3);
    assert!(why.contains("mixes encodings"), "{why}");
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM tickets WHERE source = 'mixed' ORDER BY external_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(bodies, ["Le colis est arrivé cassé", "Très bien merci"]);
}
