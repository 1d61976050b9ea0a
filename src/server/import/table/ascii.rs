//! Text whose sampled start is plain ASCII: UTF-8 or Latin-1 is told at its first other byte,
//! so a Latin-1 file whose first accent comes late is read, not refused row by row.

use super::sniff::{utf8_or_latin1, Encoding};
use std::io::{Cursor, Read};

/// How far past the first non-ASCII byte the choice looks.
const LOOK_AHEAD: u64 = 64 * 1024;

pub struct AsciiThen {
    inner: Box<dyn Read + Send>,
    /// Read from `inner`, ASCII up to where the choice is needed.
    pending: Vec<u8>,
    pos: usize,
    /// The rest of the text once the encoding is told.
    decided: Option<Box<dyn Read + Send>>,
}

impl AsciiThen {
    pub fn new(inner: impl Read + Send + 'static) -> Self {
        AsciiThen {
            inner: Box::new(inner),
            pending: Vec::new(),
            pos: 0,
            decided: None,
        }
    }

    /// Tells the encoding from the bytes at `pos` on (the first non-ASCII one first) and what
    /// follows them, and reads the rest of the text in it.
    fn decide(&mut self) -> std::io::Result<()> {
        let mut rest = self.pending.split_off(self.pos);
        let before = rest.len();
        if let Err(e) = (&mut self.inner).take(LOOK_AHEAD).read_to_end(&mut rest) {
            // Kept (with what was read) for the next call.
            self.pending.append(&mut rest);
            return Err(e);
        }
        let whole = rest.len() - before < LOOK_AHEAD as usize;
        let utf8 = matches!(utf8_or_latin1(&rest, whole), Encoding::Utf8 { .. });
        let inner = std::mem::replace(&mut self.inner, Box::new(std::io::empty()));
        let stream = Cursor::new(rest).chain(inner);
        self.decided = Some(if utf8 {
            Box::new(stream)
        } else {
            // Mid-file: no byte-order mark to look for (a Latin-1 "ÿþ" is text).
            Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding_rs::WINDOWS_1252))
                    .bom_sniffing(false)
                    .build(stream),
            )
        });
        self.pending = Vec::new();
        self.pos = 0;
        Ok(())
    }
}

impl Read for AsciiThen {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if let Some(decided) = &mut self.decided {
                return decided.read(out);
            }
            if self.pos < self.pending.len() {
                let available = &self.pending[self.pos..];
                let ascii = available
                    .iter()
                    .position(|b| !b.is_ascii())
                    .unwrap_or(available.len());
                if ascii == 0 {
                    self.decide()?;
                    continue;
                }
                let n = ascii.min(out.len());
                out[..n].copy_from_slice(&available[..n]);
                self.pos += n;
                return Ok(n);
            }
            let mut chunk = vec![0; LOOK_AHEAD as usize];
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                return Ok(0);
            }
            chunk.truncate(n);
            self.pending = chunk;
            self.pos = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: Vec<u8>) -> String {
        let mut s = String::new();
        AsciiThen::new(Cursor::new(bytes))
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    fn ascii_start() -> Vec<u8> {
        "id,text\n"
            .bytes()
            .chain(b"1,plain words\n".repeat(6000))
            .collect()
    }

    #[test]
    fn a_late_latin1_accent_is_read_as_latin1() {
        let mut bytes = ascii_start();
        bytes.extend_from_slice(b"2,caf\xE9 cr\xE8me\n");
        let text = read(bytes);
        assert!(
            text.ends_with("2,café crème\n"),
            "{}",
            &text[text.len() - 30..]
        );
        assert!(text.starts_with("id,text\n1,plain words\n"));
    }

    #[test]
    fn a_late_utf8_accent_is_read_as_utf8() {
        let mut bytes = ascii_start();
        bytes.extend_from_slice("2,café crème\n".as_bytes());
        assert!(read(bytes).ends_with("2,café crème\n"));
    }

    #[test]
    fn once_utf8_a_latin1_row_stays_invalid_for_the_reader_to_refuse() {
        let mut bytes = ascii_start();
        bytes.extend_from_slice("2,café\n".as_bytes());
        // Past the look-ahead: the choice is made on the UTF-8 row alone.
        bytes.extend(b"3,filler\n".repeat(25_000));
        bytes.extend_from_slice(b"4,caf\xE9\n");
        let mut out = Vec::new();
        AsciiThen::new(Cursor::new(bytes))
            .read_to_end(&mut out)
            .unwrap();
        assert!(out.ends_with(b"4,caf\xE9\n"));
    }

    #[test]
    fn a_latin1_accent_in_the_last_byte_is_latin1() {
        let mut bytes = ascii_start();
        bytes.extend_from_slice(b"2,Caf\xE9");
        assert!(read(bytes).ends_with("2,Café"));
    }

    /// Gives its text a few bytes at a time, interrupted before every other read.
    struct Stuttering {
        text: Cursor<Vec<u8>>,
        calls: usize,
    }

    impl Read for Stuttering {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(2) {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = out.len().min(7);
            self.text.read(&mut out[..n])
        }
    }

    #[test]
    fn interrupted_reads_lose_and_add_nothing() {
        let mut bytes = b"id,text\n1,plain\n".to_vec();
        bytes.extend_from_slice(b"2,caf\xE9 cr\xE8me\n3,plain again\n");
        let mut s = String::new();
        AsciiThen::new(Stuttering {
            text: Cursor::new(bytes),
            calls: 0,
        })
        .read_to_string(&mut s)
        .unwrap();
        assert_eq!(s, "id,text\n1,plain\n2,café crème\n3,plain again\n");
    }

    #[test]
    fn plain_ascii_passes_through() {
        assert_eq!(read(ascii_start()).len(), ascii_start().len());
        assert_eq!(read(Vec::new()), "");
    }
}
