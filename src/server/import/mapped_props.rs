//! Property tests of imports through a mapping: any header, rows, mapping and bytes give no
//! panic; every record becomes a storable ticket or message or is refused with a reason; a
//! suggestion maps each column and each field at most once.

use super::formats::props::{assert_storable, cell};
use super::formats::MapContext;
use super::mapped::MappedLayout;
use super::table::{self, Next};
use crate::domain::mapping::profile::ColumnSample;
use crate::domain::mapping::suggest::suggest;
use crate::domain::mapping::time::CHOICES;
use crate::domain::mapping::{Field, Mapping};
use proptest::prelude::*;
use proptest::sample::select;
use std::io::Cursor;

fn header() -> impl Strategy<Value = Vec<String>> {
    let names = [
        "id", "Text", "Body", "When", "Prio", "Mood", "E-mail", "thread", "", "a;b",
    ];
    proptest::collection::vec(
        prop_oneof![3 => select(names.to_vec()).prop_map(str::to_string), 1 => any::<String>()],
        1..7,
    )
}

/// Field → column pairs, value maps (field, from, to), a date format and a zone.
type Choices = (
    Vec<(Field, usize)>,
    Vec<(Field, String, String)>,
    Option<&'static str>,
    Option<&'static str>,
);

/// A mapping of some fields to columns `0..width`, with value maps, a date format and a zone.
fn mapping(width: usize) -> impl Strategy<Value = Choices> {
    let pairs = proptest::collection::vec((select(Field::ALL.to_vec()), 0..width), 0..6);
    let vocab: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| f.has_vocabulary())
        .collect();
    let maps = proptest::collection::vec(
        (
            select(vocab),
            cell(),
            select(vec!["urgent", "low", "email", "open", "negative", "true"]),
        )
            .prop_map(|(f, from, to)| (f, from, to.to_string())),
        0..3,
    );
    let formats: Vec<Option<&'static str>> = std::iter::once(None)
        .chain(CHOICES.iter().copied().map(Some))
        .collect();
    let zones = vec![
        None,
        Some("Europe/Berlin"),
        Some("America/New_York"),
        Some("Mars/Olympus"),
    ];
    (pairs, maps, select(formats), select(zones))
}

fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for r in std::iter::once(header.to_vec()).chain(rows.iter().cloned()) {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&r);
    }
    w.into_inner().unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_mapping_of_any_rows_stores_or_refuses_each_row_with_a_reason(
        (header, rows, (pairs, maps, date_format, zone)) in header().prop_flat_map(|h| {
            let width = h.len();
            let rows = proptest::collection::vec(proptest::collection::vec(cell(), width..=width), 0..6);
            (Just(h), rows, mapping(width))
        })
    ) {
        let t = match table::open(Cursor::new(csv_bytes(&header, &rows))) {
            Ok(t) => t,
            Err(e) => {
                let message = format!("{e:#}");
                prop_assert!(!message.trim().is_empty());
                return Ok(());
            }
        };
        let read_header = t.records.header().to_vec();
        let mut m = Mapping::default();
        for (field, i) in pairs {
            if let Some(column) = read_header.get(i) {
                m.columns.insert(field, column.trim().to_string());
            }
        }
        for (field, from, to) in maps {
            m.values.entry(field).or_default().insert(from, to);
        }
        m.date_format = date_format.map(str::to_string);
        m.time_zone = zone.map(str::to_string);
        let mut layout = match MappedLayout::new(m, &read_header) {
            Ok(l) => l,
            Err(why) => {
                prop_assert!(!why.trim().is_empty());
                return Ok(());
            }
        };
        let ctx = MapContext { started_at: chrono::Utc::now() };
        let mut records = t.records;
        let mut record = csv::StringRecord::new();
        let mut held = 0;
        loop {
            match records.next(&mut record) {
                Next::End => break,
                Next::Bad { reason, fatal, .. } => {
                    prop_assert!(!reason.trim().is_empty());
                    if fatal { break; }
                }
                Next::Row(line) => {
                    prop_assert!(line >= 1);
                    match layout.map(line, &record, &ctx).and_then(super::check) {
                        Ok(super::Mapped::Ticket(t)) => assert_storable(&t)?,
                        Ok(super::Mapped::Message(msg)) => prop_assert!(msg.check().is_ok()),
                        Ok(super::Mapped::Held) => held += 1,
                        Ok(other) => prop_assert!(false, "a mapping gave {other:?}"),
                        Err(why) => prop_assert!(!why.trim().is_empty()),
                    }
                }
            }
        }
        let placed = layout.finish(&ctx);
        prop_assert_eq!(placed.len(), held, "every held row comes back once");
        for (_, outcome) in placed {
            match outcome.and_then(super::check) {
                Ok(super::Mapped::Ticket(t)) => assert_storable(&t)?,
                Ok(super::Mapped::Message(msg)) => prop_assert!(msg.check().is_ok()),
                Ok(other) => prop_assert!(false, "a held row gave {other:?}"),
                Err(why) => prop_assert!(!why.trim().is_empty()),
            }
        }
    }

    #[test]
    fn any_bytes_open_with_a_reason_or_read_to_the_end(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        match table::open(Cursor::new(bytes)) {
            Err(e) => {
                let message = format!("{e:#}");
                prop_assert!(!message.trim().is_empty());
            }
            Ok(mut t) => {
                let mut record = csv::StringRecord::new();
                for _ in 0..10_000 {
                    match t.records.next(&mut record) {
                        Next::End | Next::Bad { fatal: true, .. } => return Ok(()),
                        Next::Bad { reason, .. } => prop_assert!(!reason.trim().is_empty()),
                        Next::Row(_) => prop_assert!(record.len() <= t.records.header().len()),
                    }
                }
                prop_assert!(false, "more records than bytes");
            }
        }
    }

    #[test]
    fn a_suggestion_maps_each_column_and_field_at_most_once(
        columns in proptest::collection::vec((any::<String>(), proptest::collection::vec(cell(), 0..8)), 0..10)
    ) {
        let samples: Vec<ColumnSample> = columns.into_iter().map(|(name, values)| ColumnSample { name, values }).collect();
        let s = suggest(&samples);
        prop_assert_eq!(s.columns.len(), samples.len());
        let fields: Vec<Field> = s.columns.iter().filter_map(|c| c.1).collect();
        let mut unique = fields.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), fields.len());
        prop_assert_eq!(s.mapping.columns.len(), fields.len());
    }
}
