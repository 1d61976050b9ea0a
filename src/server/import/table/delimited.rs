//! Delimited text (CSV, semicolon, tab or pipe separated) as records, a bad row refused by line.

use super::{Next, Records};
use anyhow::Context;
use std::io::Read;

pub struct CsvRecords {
    reader: csv::Reader<Box<dyn Read + Send>>,
    header: Vec<String>,
    /// Lines end in CR LF: the csv crate puts a record on the line before its own.
    shift: u64,
}

impl CsvRecords {
    pub fn open(input: Box<dyn Read + Send>, delimiter: u8, crlf: bool) -> anyhow::Result<Self> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(false)
            .from_reader(input);
        let header = reader
            .headers()
            .map_err(|e| anyhow::anyhow!(reason(&e)))
            .context("cannot read the header row")?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        Ok(CsvRecords {
            reader,
            header,
            shift: u64::from(crlf),
        })
    }
}

impl Records for CsvRecords {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next(&mut self, record: &mut csv::StringRecord) -> Next {
        let line = self.reader.position().line() + 1;
        match self.reader.read_record(record) {
            Ok(false) => Next::End,
            Ok(true) => Next::Row(record.position().map_or(line, |p| p.line() + self.shift)),
            Err(e) => Next::Bad {
                line: e.position().map_or(line, |p| p.line() + self.shift),
                fatal: !matches!(
                    e.kind(),
                    csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }
                ),
                reason: reason(&e),
            },
        }
    }
}

fn reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} fields, the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => {
            "is not valid UTF-8 (the file mixes encodings; save it as UTF-8)".into()
        }
        _ => format!("unreadable: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &'static str) -> Vec<u64> {
        let crlf = text.contains("\r\n");
        let mut r = CsvRecords::open(Box::new(text.as_bytes()), b';', crlf).unwrap();
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        loop {
            match r.next(&mut record) {
                Next::Row(l) => out.push(l),
                Next::Bad { line, .. } => out.push(line),
                Next::End => return out,
            }
        }
    }

    #[test]
    fn records_carry_the_line_they_start_on() {
        assert_eq!(lines("a;b\n1;2\n3;4\n"), vec![2, 3]);
        assert_eq!(lines("a;b\r\n1;2\r\n3;4\r\n"), vec![2, 3]);
        assert_eq!(
            lines("\"a\";\"b\"\r\n\"1\";\"2\"\r\n\"3\";\"4\"\r\n"),
            vec![2, 3]
        );
        assert_eq!(lines("a;b\n\"1\n1\";2\n3;4\n"), vec![2, 4]);
        assert_eq!(
            lines("a;b\r\n\"1\r\n1\";2\r\n3;4;5\r\n6;7\r\n"),
            vec![2, 4, 5]
        );
    }
}
