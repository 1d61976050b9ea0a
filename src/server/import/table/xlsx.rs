//! Spreadsheets (XLSX, and the older XLS) as records: the first sheet holding data, its first row
//! the header. A formula cell gives the value the spreadsheet saved; nothing is evaluated.

use super::{Next, Records};
use calamine::{Data, Range, Reader};
use std::io::Cursor;

pub struct XlsxRecords {
    range: Range<Data>,
    header: Vec<String>,
    /// Index of the next data row within the range.
    row: usize,
    /// Sheet row number of the range's first row (1-based).
    first_line: u64,
}

impl XlsxRecords {
    pub fn open(bytes: Vec<u8>) -> anyhow::Result<Self> {
        let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
            anyhow::anyhow!("the file looks like a spreadsheet but cannot be read as one ({e})")
        })?;
        let names = book.sheet_names().to_vec();
        let mut found = None;
        for (i, _) in names.iter().enumerate() {
            match book.worksheet_range_at(i) {
                Some(Ok(range)) if !range.is_empty() => {
                    found = Some(range);
                    break;
                }
                Some(Err(e)) => anyhow::bail!("sheet {:?} cannot be read ({e})", names[i]),
                _ => {}
            }
        }
        let range =
            found.ok_or_else(|| anyhow::anyhow!("the spreadsheet has no data in any sheet"))?;
        let first_line = u64::from(range.start().map_or(0, |(r, _)| r)) + 1;
        let header = range
            .rows()
            .next()
            .map(|cells| cells.iter().map(|c| text(c).trim().to_string()).collect())
            .unwrap_or_default();
        Ok(XlsxRecords {
            range,
            header,
            row: 1,
            first_line,
        })
    }
}

impl Records for XlsxRecords {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next(&mut self, record: &mut csv::StringRecord) -> Next {
        let (height, _) = self.range.get_size();
        while self.row < height {
            let i = self.row;
            self.row += 1;
            let cells: Vec<String> = (0..self.header.len())
                .map(|c| self.range.get((i, c)).map(text).unwrap_or_default())
                .collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            record.clear();
            for c in &cells {
                record.push_field(c);
            }
            return Next::Row(self.first_line + i as u64);
        }
        Next::End
    }
}

/// A cell as the text a CSV export would hold.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| d.as_f64().to_string()),
    }
}
