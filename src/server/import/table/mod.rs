//! Any file a team exports, read as a header and records: CSV with any delimiter and encoding,
//! XLSX, a JSON array or NDJSON. The layouts and mappings read these records alike.

mod ascii;
mod delimited;
mod json;
mod sniff;
mod xlsx;

use anyhow::Context;
pub use sniff::{Encoding, FileKind};
use std::io::Read;

/// What reading the next record gave.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// A record, at this line (CSV, NDJSON), row (XLSX) or element (JSON array).
    Row(u64),
    /// A record that could not be read; `fatal` when nothing after it can be either.
    Bad {
        line: u64,
        reason: String,
        fatal: bool,
    },
    End,
}

/// A file opened for import: its header, then its records one by one.
pub trait Records: Send {
    fn header(&self) -> &[String];
    /// Reads the next record into `record` (its fields in header order).
    fn next(&mut self, record: &mut csv::StringRecord) -> Next;
}

/// An opened file: what it is and its records.
pub struct Table {
    pub kind: FileKind,
    pub encoding: Encoding,
    pub records: Box<dyn Records>,
}

impl std::fmt::Debug for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("kind", &self.kind)
            .field("encoding", &self.encoding)
            .field("header", &self.records.header())
            .finish()
    }
}

/// XLSX files are read whole (the format is a zip archive); beyond this they must be CSV.
pub const MAX_XLSX_BYTES: usize = 256 * 1024 * 1024;

/// Opens `input`, telling its kind and encoding from its first bytes.
pub fn open(mut input: impl Read + Send + 'static) -> anyhow::Result<Table> {
    let head = read_head(&mut input, sniff::SAMPLE).context("cannot read the file")?;
    let (kind, encoding) = sniff::sniff(&head)?;
    let whole = std::io::Cursor::new(head).chain(input);
    let records: Box<dyn Records> = match kind {
        FileKind::Xlsx => {
            let mut bytes = Vec::new();
            whole
                .take(MAX_XLSX_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .context("cannot read the spreadsheet")?;
            anyhow::ensure!(
                bytes.len() <= MAX_XLSX_BYTES,
                "the spreadsheet is larger than {} MB: save it as CSV, which TicketLens reads as a stream",
                MAX_XLSX_BYTES >> 20
            );
            Box::new(xlsx::XlsxRecords::open(bytes)?)
        }
        FileKind::Csv { delimiter, crlf } => Box::new(delimited::CsvRecords::open(
            encoding.decode(whole),
            delimiter,
            crlf,
        )?),
        FileKind::JsonArray => Box::new(json::ArrayRecords::open(encoding.decode(whole))?),
        FileKind::Ndjson => Box::new(json::LineRecords::open(encoding.decode(whole))?),
    };
    anyhow::ensure!(
        records.header().iter().any(|h| !h.trim().is_empty()),
        "the file has no columns: its first row is empty"
    );
    Ok(Table {
        kind,
        encoding,
        records,
    })
}

/// Up to `n` bytes from the start of the file (fewer only at its end).
fn read_head(input: &mut impl Read, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    input.take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}
