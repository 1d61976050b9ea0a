//! Workbooks (XLSX) as records: the first sheet holding data, its first row the header. Cells
//! are read one by one and only filled ones kept, so a sheet that declares a huge range costs
//! what it holds; a formula cell gives the value the workbook saved, nothing is evaluated.

use super::{Next, Records};
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

/// Columns beyond this are not read (no export has more).
const MAX_COLUMNS: u32 = 2000;

pub struct XlsxRecords {
    header: Vec<String>,
    /// Filled cells after the header, in sheet order: (row, column, text).
    cells: Vec<(u32, u32, String)>,
    next: usize,
    first_column: u32,
}

impl XlsxRecords {
    pub fn open(bytes: Vec<u8>) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]),
            "the file is an old Excel workbook (XLS): save it as XLSX or CSV"
        );
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
            anyhow::anyhow!("the file looks like a spreadsheet but cannot be read as one ({e})")
        })?;
        let names = book.sheet_names().to_vec();
        let mut cells = Vec::new();
        for name in &names {
            let mut reader = book
                .worksheet_cells_reader(name)
                .map_err(|e| anyhow::anyhow!("sheet {name:?} cannot be read ({e})"))?;
            while let Some(cell) = reader
                .next_cell()
                .map_err(|e| anyhow::anyhow!("sheet {name:?} cannot be read ({e})"))?
            {
                let (row, column) = cell.get_position();
                if column >= MAX_COLUMNS {
                    continue;
                }
                let value = text(&Data::from(cell.get_value().clone()));
                if !value.trim().is_empty() {
                    cells.push((row, column, value));
                }
            }
            if !cells.is_empty() {
                break;
            }
        }
        anyhow::ensure!(
            !cells.is_empty(),
            "the spreadsheet has no data in any sheet"
        );
        cells.sort_by_key(|c| (c.0, c.1));
        let header_row = cells[0].0;
        let first_column = cells.iter().map(|c| c.1).min().unwrap_or(0);
        let in_header = cells.iter().take_while(|c| c.0 == header_row).count();
        let last = cells[..in_header].iter().map(|c| c.1).max().unwrap_or(0);
        let mut header = vec![String::new(); (last - first_column + 1) as usize];
        for (_, column, value) in &cells[..in_header] {
            header[(column - first_column) as usize] = value.trim().to_string();
        }
        Ok(XlsxRecords {
            header,
            cells: cells.split_off(in_header),
            next: 0,
            first_column,
        })
    }
}

impl Records for XlsxRecords {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn next(&mut self, record: &mut csv::StringRecord) -> Next {
        let Some(row) = self.cells.get(self.next).map(|c| c.0) else {
            return Next::End;
        };
        let mut fields = vec![""; self.header.len()];
        while let Some((r, column, value)) = self.cells.get(self.next) {
            if *r != row {
                break;
            }
            // Cells left of the header's first column or right of its last have no column.
            if let Some(slot) = column
                .checked_sub(self.first_column)
                .and_then(|i| fields.get_mut(i as usize))
            {
                *slot = value;
            }
            self.next += 1;
        }
        record.clear();
        for f in fields {
            record.push_field(f);
        }
        Next::Row(u64::from(row) + 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_declaring_the_largest_range_costs_only_its_cells() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 1, "Text").unwrap();
        sheet.write_string(0, 2, "Stars").unwrap();
        sheet.write_string(1, 1, "my parcel is late").unwrap();
        sheet.write_number(1, 2, 4.0).unwrap();
        // The last cell a workbook can hold: a dense read would need hundreds of gigabytes.
        sheet.write_string(1_048_575, 16_383, "far away").unwrap();
        sheet.write_string(1_048_575, 1, "last row").unwrap();
        let mut r = XlsxRecords::open(book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(r.header(), ["Text", "Stars"]);
        let mut record = csv::StringRecord::new();
        assert_eq!(r.next(&mut record), Next::Row(2));
        assert_eq!(
            record.iter().collect::<Vec<_>>(),
            ["my parcel is late", "4"]
        );
        assert_eq!(r.next(&mut record), Next::Row(1_048_576));
        assert_eq!(record.iter().collect::<Vec<_>>(), ["last row", ""]);
        assert_eq!(r.next(&mut record), Next::End);
    }

    #[test]
    fn old_workbooks_are_refused_in_a_sentence() {
        let err = XlsxRecords::open(vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0])
            .err()
            .unwrap();
        assert!(err.to_string().contains("XLS"), "{err}");
    }
}
