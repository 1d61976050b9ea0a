//! Property tests: any file is refused with a message or read with every row counted, taken or explained.

use super::formats::props::{assert_storable, table};
use super::*;
use formats::Format;
use proptest::prelude::*;
use std::io::Cursor;

/// A byte written into a file at some place: CSV syntax, line breaks, bytes that are not UTF-8.
fn damage() -> impl Strategy<Value = (usize, u8)> {
    let bytes = [b'"', b'\n', b'\r', b',', 0x00, 0xC3, 0xFF];
    (any::<usize>(), proptest::sample::select(bytes.to_vec()))
}

/// A table written as CSV (a UTF-8 BOM sometimes), then possibly damaged and cut short; with
/// the number of records when it was left whole.
fn file() -> impl Strategy<Value = (Format, Vec<u8>, Option<usize>)> {
    let damages = proptest::collection::vec(damage(), 0..3);
    let cut = proptest::option::weighted(0.2, any::<usize>());
    (table(), any::<bool>(), damages, cut).prop_map(
        |((format, header, rows), bom, damages, cut)| {
            let mut out = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(Vec::new());
            for r in std::iter::once(&header).chain(&rows) {
                // Writing to a Vec cannot fail.
                let _ = out.write_record(r);
            }
            let mut bytes = out.into_inner().unwrap_or_default();
            if bom {
                bytes.splice(0..0, "\u{feff}".bytes());
            }
            let clean = damages.is_empty() && cut.is_none();
            for (at, byte) in damages {
                bytes.insert(at % (bytes.len() + 1), byte);
            }
            if let Some(at) = cut {
                bytes.truncate(at % (bytes.len() + 1));
            }
            (format, bytes, clean.then_some(rows.len()))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_file_is_refused_or_every_row_is_stored_or_explained(
        (format, bytes, records) in file(),
        given in any::<bool>(),
    ) {
        let wanted = given.then_some(format);
        let opened = table::open(Cursor::new(bytes)).and_then(|t| {
            let header = t.records.header().to_vec();
            let format = match wanted {
                Some(f) => f,
                None => Format::detect(&formats::Header::from_names(&header))
                    .context("no layout knows these columns")?,
            };
            Ok((t, layout::builtin(format, &header)?, format))
        });
        let (t, layout, format) = match opened {
            Ok(opened) => opened,
            Err(e) => {
                let message = format!("{e:#}");
                prop_assert!(!message.trim().is_empty());
                return Ok(());
            }
        };
        prop_assert!(wanted.is_none_or(|w| w == format));
        let (sender, mut batches) = tokio::sync::mpsc::channel(4);
        let stored = std::thread::spawn(move || {
            let mut all = Vec::new();
            while let Some(batch) = batches.blocking_recv() {
                all.extend(batch);
            }
            all
        });
        let (report, _messages) = parse(t.records, layout, 1, sender);
        let tickets = stored
            .join()
            .map_err(|_| TestCaseError::fail("the batch receiver panicked"))?;
        for t in &tickets {
            assert_storable(t)?;
        }
        prop_assert_eq!(report.rows_read, tickets.len() as u64 + report.skipped);
        prop_assert_eq!(report.reasons.values().sum::<u64>(), report.skipped);
        prop_assert!(report.reasons.keys().all(|k| !k.is_empty()), "{:?}", report.reasons);
        prop_assert!(report.errors.len() as u64 <= report.skipped);
        for (line, why) in &report.errors {
            // Lines are counted as the csv crate does (by LF): a bare CR in the header can put
            // the first record on line 1.
            prop_assert!(*line >= 1 && !why.trim().is_empty(), "line {line}: {why:?}");
        }
        if let Some(records) = records {
            // A file as written: every record is read once (short or long ones as errors).
            prop_assert_eq!(report.rows_read, records as u64);
        }
    }
}
