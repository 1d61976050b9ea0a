//! Tells a file's kind (CSV and its delimiter, XLSX, JSON array, NDJSON) and text encoding from
//! its first bytes, refusing binaries with a sentence that says what they are.

use std::io::Read;

/// What kind of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `crlf`: lines end in CR LF (the csv crate then counts a record's line one short).
    Csv {
        delimiter: u8,
        crlf: bool,
    },
    Xlsx,
    JsonArray,
    Ndjson,
}

impl FileKind {
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Csv { .. } => "csv",
            FileKind::Xlsx => "xlsx",
            FileKind::JsonArray => "json",
            FileKind::Ndjson => "ndjson",
        }
    }
}

/// The text encoding of a CSV or JSON file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8 {
        bom: bool,
    },
    Utf16Le,
    Utf16Be,
    /// Windows-1252, the superset of Latin-1 that spreadsheets write.
    Latin1,
    /// Plain ASCII as far as the sample goes: UTF-8 or Latin-1 is told at the first other byte.
    Ascii,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 { bom: false } => "UTF-8",
            Encoding::Utf8 { bom: true } => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Latin1 => "Latin-1",
            Encoding::Ascii => "ASCII so far (UTF-8 or Latin-1 from the first accent)",
        }
    }

    /// The file's text as UTF-8, without its byte-order mark. UTF-8 passes through unchanged,
    /// so a row in another encoding is refused by line rather than silently garbled.
    pub fn decode(self, mut r: impl Read + Send + 'static) -> Box<dyn Read + Send> {
        let encoding = match self {
            Encoding::Utf8 { bom } => {
                if bom {
                    let mut skip = [0u8; 3];
                    // The sniffer saw these three bytes; a failure here shows on the next read.
                    let _ = r.read_exact(&mut skip);
                }
                return Box::new(r);
            }
            Encoding::Ascii => return Box::new(super::ascii::AsciiThen::new(r)),
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Latin1 => encoding_rs::WINDOWS_1252,
        };
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_override(true)
                .strip_bom(true)
                .build(r),
        )
    }
}

/// How many of a file's first bytes tell its kind and encoding.
pub const SAMPLE: usize = 64 * 1024;

/// Kind and encoding of a file from its first bytes.
pub fn sniff(head: &[u8]) -> anyhow::Result<(FileKind, Encoding)> {
    anyhow::ensure!(!head.is_empty(), "the file is empty");
    if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok((FileKind::Xlsx, Encoding::Utf8 { bom: false }));
    }
    if let Some(what) = known_binary(head) {
        anyhow::bail!("the file is {what}, not CSV, XLSX or JSON");
    }
    let encoding = encoding_of(head, head.len() < SAMPLE);
    let text = match encoding {
        Encoding::Utf8 { bom } => {
            let body = if bom { &head[3..] } else { head };
            String::from_utf8_lossy(body).into_owned()
        }
        Encoding::Ascii => String::from_utf8_lossy(head).into_owned(),
        Encoding::Utf16Le | Encoding::Utf16Be | Encoding::Latin1 => {
            let mut s = String::new();
            encoding
                .decode(std::io::Cursor::new(head.to_vec()))
                .read_to_string(&mut s)?;
            s
        }
    };
    // A stray NUL is a damaged cell (read as blank); many control bytes mean a binary file.
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
        .count();
    if control * 20 > text.chars().count() {
        anyhow::bail!("the file is binary (it holds control bytes), not CSV, XLSX or JSON");
    }
    let kind = match text.trim_start().chars().next() {
        Some('[') => FileKind::JsonArray,
        Some('{') => FileKind::Ndjson,
        Some(_) => FileKind::Csv {
            delimiter: delimiter(&text),
            crlf: text.split('\n').next().is_some_and(|l| l.ends_with('\r')) && text.contains('\n'),
        },
        None => anyhow::bail!("the file holds only blank space"),
    };
    Ok((kind, encoding))
}

fn known_binary(head: &[u8]) -> Option<&'static str> {
    let magic: &[(&[u8], &str)] = &[
        (&[0x1f, 0x8b], "compressed with gzip: unpack it first"),
        (b"BZh", "compressed with bzip2: unpack it first"),
        (
            &[0x28, 0xb5, 0x2f, 0xfd],
            "compressed with zstd: unpack it first",
        ),
        (b"%PDF", "a PDF document"),
        (&[0x89, b'P', b'N', b'G'], "a PNG image"),
        (&[0xff, 0xd8, 0xff], "a JPEG image"),
        (b"SQLite format 3", "an SQLite database"),
        (b"PAR1", "a Parquet file"),
    ];
    magic
        .iter()
        .find(|(m, _)| head.starts_with(m))
        .map(|(_, what)| *what)
}

fn encoding_of(head: &[u8], whole: bool) -> Encoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8 { bom: true };
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Encoding::Utf16Le;
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16Be;
    }
    // UTF-16 without a mark: ASCII text has a NUL in every other byte.
    let pairs = head.len() / 2;
    if pairs >= 2 {
        let nul = |start: usize| {
            head.iter()
                .skip(start)
                .step_by(2)
                .filter(|b| **b == 0)
                .count()
        };
        let (even, odd) = (nul(0), nul(1));
        if odd * 10 >= pairs * 7 && even * 10 < pairs {
            return Encoding::Utf16Le;
        }
        if even * 10 >= pairs * 7 && odd * 10 < pairs {
            return Encoding::Utf16Be;
        }
    }
    if head.is_ascii() {
        return Encoding::Ascii;
    }
    utf8_or_latin1(head, whole)
}

/// UTF-8 when `bytes` hold more UTF-8 characters beyond ASCII than invalid sequences (a file
/// mostly in UTF-8 is read as UTF-8 and its Latin-1 rows are refused by line; a Latin-1 file
/// where a few byte pairs happen to be valid UTF-8, such as `ß“`, stays Latin-1), else Latin-1.
/// Unless the sample is the `whole` text, a character cut short at its end counts for neither.
pub fn utf8_or_latin1(bytes: &[u8], whole: bool) -> Encoding {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut chunks = bytes.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        let bad = chunk.invalid();
        let cut_short = !whole
            && chunks.peek().is_none()
            && matches!(std::str::from_utf8(bad), Err(e) if e.error_len().is_none());
        if !bad.is_empty() && !cut_short {
            invalid += 1;
        }
    }
    if valid > invalid || (valid == 0 && invalid == 0) {
        Encoding::Utf8 { bom: false }
    } else {
        Encoding::Latin1
    }
}

/// The delimiter that splits the first lines into the same number of fields, most of them.
fn delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    // The last sampled line may be cut short.
    let lines = if lines.len() > 2 {
        &lines[..lines.len() - 1]
    } else {
        &lines[..]
    };
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let counts: Vec<usize> = lines.iter().map(|l| outside_quotes(l, d)).collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first == 0 {
            continue;
        }
        // Lines that agree with the header's count (quoted line breaks make some disagree).
        let agree = counts.iter().filter(|c| **c == first).count();
        if (agree, first) > (best.1, best.2) {
            best = (d, agree, first);
        }
    }
    best.0
}

fn outside_quotes(line: &str, d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for b in line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_kinds_encodings_and_delimiters() {
        let csv = |s: &[u8]| sniff(s).unwrap();
        assert_eq!(
            csv(b"a;b;c\n1;2;3\n"),
            (
                FileKind::Csv {
                    delimiter: b';',
                    crlf: false
                },
                Encoding::Ascii
            )
        );
        assert_eq!(
            csv(b"a\tb\n\"x,y\"\tz\n").0,
            FileKind::Csv {
                delimiter: b'\t',
                crlf: false
            }
        );
        assert_eq!(
            csv(b"id,text\n1,\"a;b;c\"\n").0,
            FileKind::Csv {
                delimiter: b',',
                crlf: false
            }
        );
        assert_eq!(csv(b"\xEF\xBB\xBFa,b\n").1, Encoding::Utf8 { bom: true });
        assert_eq!(csv(b"a,b\ncaf\xE9,1\n").1, Encoding::Latin1);
        assert_eq!(
            csv(b"a,b\r\n1,2\r\n").0,
            FileKind::Csv {
                delimiter: b',',
                crlf: true
            }
        );
        assert_eq!(
            csv(b"a,b\ncaf\xC3\xA9,1\n").1,
            Encoding::Utf8 { bom: false }
        );
        // A sample cut inside a character is still UTF-8; a whole file so cut is not.
        assert_eq!(
            utf8_or_latin1(b"a,b\ncaf\xC3", false),
            Encoding::Utf8 { bom: false }
        );
        assert_eq!(utf8_or_latin1(b"a,b\ncaf\xC3", true), Encoding::Latin1);
        // Mostly UTF-8 with a Latin-1 row: UTF-8, so that row is refused rather than all garbled.
        assert_eq!(
            csv(b"a,b\ncaf\xC3\xA9,1\nna\xC3\xAFve,2\ncaf\xE9,3\n").1,
            Encoding::Utf8 { bom: false }
        );
        // Latin-1 where one byte run is valid UTF-8 by chance (\"ß“\" is DF 93): Latin-1.
        assert_eq!(
            csv(b"a,b\nwei\xDF\x93,1\nr\xE9gl\xE9,2\ncaf\xE9,3\n").1,
            Encoding::Latin1
        );
        // A whole file ending in a Latin-1 accent: Latin-1, not a UTF-8 character cut short.
        assert_eq!(csv(b"a,b\n1,Caf\xE9").1, Encoding::Latin1);
        let utf16: Vec<u8> = "a,b\n1,2\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            csv(&utf16),
            (
                FileKind::Csv {
                    delimiter: b',',
                    crlf: false
                },
                Encoding::Utf16Le
            )
        );
        assert_eq!(csv(b"  [{\"a\":1}]").0, FileKind::JsonArray);
        assert_eq!(csv(b"{\"a\":1}\n{\"a\":2}\n").0, FileKind::Ndjson);
        assert_eq!(csv(b"PK\x03\x04rest").0, FileKind::Xlsx);
    }

    #[test]
    fn refuses_binaries_and_empty_files_in_a_sentence() {
        let err = |s: &[u8]| sniff(s).unwrap_err().to_string();
        assert_eq!(err(b""), "the file is empty");
        assert!(err(&[0x1f, 0x8b, 8, 0]).contains("gzip"));
        assert!(err(b"%PDF-1.7").contains("PDF"));
        assert!(err(b"ab\0\0\0\x01\x02cd\0\0").contains("binary"));
        assert!(err(b" \n\t ").contains("blank"));
    }
}
