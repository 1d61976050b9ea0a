//! Data quality on a small crafted file imported through the real importer: placeholders,
//! duplicates, empty fields, impossible timestamps, skipped rows, and a label column that is
//! predictable from the text next to one that is noise.

use crate::common;
use common::fresh_pool;
use std::fmt::Write;
use ticketlens::server::import::{ImportOptions, LayoutChoice};
use ticketlens::server::jobs::import;
use ticketlens::server::jobs::quality;

const HEADER: &str = "Ticket ID,Customer Name,Customer Email,Customer Age,Customer Gender,Product Purchased,Date of Purchase,Ticket Type,Ticket Subject,Ticket Description,Ticket Status,Resolution,Ticket Priority,Ticket Channel,First Response Time,Time to Resolution,Customer Satisfaction Rating";
const TYPES: [&str; 4] = [
    "Refund request",
    "Technical issue",
    "Billing inquiry",
    "Product inquiry",
];

/// One row in the Kaggle layout.
fn row(id: usize, i: usize) -> String {
    let product = match i {
        i if i % 29 == 0 => "",
        i if i % 2 == 0 => "Acme Phone",
        _ => "Acme Laptop",
    };
    // The priority follows the text; the type is noise (a hash of the row number).
    let (priority, mut body) = if i.is_multiple_of(2) {
        (
            "Critical",
            format!("Total outage number {i}: everything is down, we lose money every minute."),
        )
    } else {
        (
            "Low",
            format!("A small cosmetic question number {i} about the colour of the menu."),
        )
    };
    if i.is_multiple_of(5) {
        body = format!("I'm having an issue with the {{product_purchased}}. {body}");
    }
    let kind = TYPES[((i as u64).wrapping_mul(2_654_435_761) >> 7) as usize % 4];
    let (first, resolved) = if i % 40 == 3 {
        ("2023-06-01 12:00:00", "2023-06-01 10:00:00")
    } else {
        ("2023-06-01 10:00:00", "2023-06-01 12:00:00")
    };
    format!(
        "{id},Jo Field,jo{i}@example.com,30,Other,{product},2021-01-01,{kind},Ticket subject {i},\"{body}\",Closed,Done.,{priority},Email,{first},{resolved},4.0"
    )
}

#[tokio::test]
async fn a_crafted_file_shows_each_kind_of_finding() {
    let pool = fresh_pool().await;
    let mut csv = format!("{HEADER}\n");
    for i in 0..200 {
        writeln!(csv, "{}", row(i + 1, i)).unwrap();
    }
    // Ten copies of earlier tickets under new ids.
    for (k, i) in [1, 2, 4, 6, 7, 8, 9, 11, 12, 13].into_iter().enumerate() {
        writeln!(csv, "{}", row(201 + k, i)).unwrap();
    }
    // A satisfaction rating of 9: skipped with its reason.
    writeln!(
        csv,
        "{}",
        row(300, 1)
            .replace(",4.0", ",9.0")
            .replace("subject 1,", "subject 300,")
    )
    .unwrap();
    // An unknown priority: skipped for another reason.
    writeln!(
        csv,
        "{}",
        row(301, 2)
            .replace(",Critical,", ",Whenever,")
            .replace("subject 2,", "subject 301,")
    )
    .unwrap();
    let report = import::run(
        &pool,
        std::io::Cursor::new(csv.into_bytes()),
        ImportOptions {
            file_name: "crafted.csv".into(),
            layout: LayoutChoice::Detect,
            source: Some("crafted".into()),
            user_id: None,
            upload_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.inserted, 210);

    let q = quality::run(&pool, "crafted").await.unwrap();
    assert_eq!((q.tickets, q.rows_read, q.skipped), (210, 212, 2));
    assert_eq!(q.placeholders, 40);
    assert_eq!(
        q.placeholder_kinds,
        vec![("{product_purchased}".to_string(), 40)]
    );
    assert_eq!(q.duplicates, 10);
    assert!(
        q.timestamps
            .contains(&("first response after resolution".to_string(), 5)),
        "{:?}",
        q.timestamps
    );
    let product = q.empty.iter().find(|g| g.field == "product").unwrap();
    assert_eq!(product.empty, 7);
    let label = |c: &str| {
        q.labels
            .iter()
            .find(|l| l.column == c)
            .unwrap_or_else(|| panic!("{c}: {q:?}"))
    };
    assert!(label("priority").has_signal, "{:?}", label("priority"));
    assert!(label("priority").accuracy > 0.95);
    assert!(!label("category").has_signal, "{:?}", label("category"));
    assert_eq!(label("category").classes, 4);
    // The page's lines name the label without signal and the placeholders.
    let findings = q.findings().join("\n");
    assert!(
        findings.contains("Label \"category\" is not predictable"),
        "{findings}"
    );
    assert!(findings.contains("{product_purchased} (40)"), "{findings}");

    // Stored for the page; a second check replaces the report.
    let stored = ticketlens::server::db::quality::reports(&pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].0, q);
    quality::run(&pool, "crafted").await.unwrap();
    assert_eq!(
        ticketlens::server::db::quality::reports(&pool)
            .await
            .unwrap()
            .len(),
        1
    );
}
