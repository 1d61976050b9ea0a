//! JSON exports as records: an array of objects (streamed, never read whole) or one object per
//! line (NDJSON). Nested objects become dotted columns (`customer.email`); the header is every
//! key of the first thousand records, in order of appearance.

use super::{Next, Records};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

/// Records read before the header is settled.
const HEADER_SAMPLE: usize = 1000;

/// One item of a JSON source: a record, a bad record, or the end.
enum Item {
    Object(u64, Map<String, Value>),
    Bad(u64, String, bool),
}

/// Flattens a record into (column, text) pairs.
fn flatten(prefix: &str, object: Map<String, Value>, out: &mut Vec<(String, String)>) {
    for (key, value) in object {
        let name = if prefix.is_empty() {
            key
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Object(inner) => flatten(&name, inner, out),
            Value::Null => out.push((name, String::new())),
            Value::String(s) => out.push((name, s)),
            Value::Bool(b) => out.push((name, b.to_string())),
            Value::Number(n) => out.push((name, n.to_string())),
            // Lists (tags, attachments) stay as their JSON text.
            list @ Value::Array(_) => out.push((name, list.to_string())),
        }
    }
}

/// Records of either JSON shape, served from a first sample that fixed the header.
struct Buffered<S: FnMut() -> Option<Item>> {
    source: S,
    ahead: VecDeque<Item>,
    header: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    pairs: Vec<(String, String)>,
    fields: Vec<String>,
}

impl<S: FnMut() -> Option<Item>> Buffered<S> {
    fn new(mut source: S) -> Self {
        let mut ahead = VecDeque::new();
        let mut header: Vec<String> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut pairs = Vec::new();
        while ahead.len() < HEADER_SAMPLE {
            let Some(item) = source() else { break };
            if let Item::Object(_, o) = &item {
                pairs.clear();
                flatten("", o.clone(), &mut pairs);
                for (k, _) in &pairs {
                    if !index.contains_key(k) {
                        index.insert(k.clone(), header.len());
                        header.push(k.clone());
                    }
                }
            }
            let fatal = matches!(item, Item::Bad(_, _, true));
            ahead.push_back(item);
            if fatal {
                break;
            }
        }
        Buffered {
            source,
            ahead,
            header,
            index,
            pairs,
            fields: Vec::new(),
        }
    }

    fn next(&mut self, record: &mut csv::StringRecord) -> Next {
        let item = match self.ahead.pop_front() {
            Some(item) => item,
            None => match (self.source)() {
                Some(item) => item,
                None => return Next::End,
            },
        };
        match item {
            Item::Bad(line, reason, fatal) => Next::Bad {
                line,
                reason,
                fatal,
            },
            Item::Object(line, object) => {
                self.pairs.clear();
                flatten("", object, &mut self.pairs);
                self.fields.clear();
                self.fields.resize(self.header.len(), String::new());
                for (k, v) in self.pairs.drain(..) {
                    // Keys first seen after the sample have no column.
                    if let Some(&i) = self.index.get(&k) {
                        self.fields[i] = v;
                    }
                }
                record.clear();
                for f in &self.fields {
                    record.push_field(f);
                }
                Next::Row(line)
            }
        }
    }
}

/// NDJSON: one object per line; a bad line is refused and the next one read.
pub struct LineRecords {
    inner: Buffered<Box<dyn FnMut() -> Option<Item> + Send>>,
}

impl LineRecords {
    pub fn open(input: Box<dyn Read + Send>) -> anyhow::Result<Self> {
        let mut lines = BufReader::with_capacity(1 << 20, input);
        let mut line_no = 0u64;
        let mut text = String::new();
        let source = move || loop {
            text.clear();
            line_no += 1;
            match lines.read_line(&mut text) {
                Ok(0) => return None,
                Ok(_) if text.trim().is_empty() => continue,
                Ok(_) => {
                    return Some(match serde_json::from_str::<Value>(&text) {
                        Ok(Value::Object(o)) => Item::Object(line_no, o),
                        Ok(_) => Item::Bad(line_no, "is not a JSON object".into(), false),
                        Err(e) => Item::Bad(line_no, format!("is not valid JSON ({e})"), false),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                    return Some(Item::Bad(
                        line_no,
                        "is not valid UTF-8 (the file mixes encodings; save it as UTF-8)".into(),
                        false,
                    ))
                }
                Err(e) => return Some(Item::Bad(line_no, format!("unreadable: {e}"), true)),
            }
        };
        Ok(LineRecords {
            inner: Buffered::new(Box::new(source)),
        })
    }
}

impl Records for LineRecords {
    fn header(&self) -> &[String] {
        &self.inner.header
    }
    fn next(&mut self, record: &mut csv::StringRecord) -> Next {
        self.inner.next(record)
    }
}

/// A JSON array of objects, parsed on its own thread and handed over element by element.
pub struct ArrayRecords {
    inner: Buffered<Box<dyn FnMut() -> Option<Item> + Send>>,
}

impl ArrayRecords {
    pub fn open(input: Box<dyn Read + Send>) -> anyhow::Result<Self> {
        let (tx, rx) = sync_channel::<Item>(256);
        std::thread::Builder::new()
            .name("json-import".into())
            .spawn(move || parse_array(input, tx))?;
        let rx: Receiver<Item> = rx;
        let source = move || rx.recv().ok();
        Ok(ArrayRecords {
            inner: Buffered::new(Box::new(source)),
        })
    }
}

impl Records for ArrayRecords {
    fn header(&self) -> &[String] {
        &self.inner.header
    }
    fn next(&mut self, record: &mut csv::StringRecord) -> Next {
        self.inner.next(record)
    }
}

fn parse_array(input: Box<dyn Read + Send>, tx: SyncSender<Item>) {
    let mut de = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, input));
    let sent = std::cell::Cell::new(0u64);
    let result = (&mut de).deserialize_seq(Each {
        tx: &tx,
        sent: &sent,
    });
    let failure = match result {
        Ok(()) => de.end().err(),
        Err(e) => Some(e),
    };
    if let Some(e) = failure {
        // Nothing after a syntax error can be read: the records before it stand.
        let _ = tx.send(Item::Bad(
            sent.get() + 1,
            format!("is not valid JSON ({e}); nothing after it was read"),
            true,
        ));
    }
}

struct Each<'a> {
    tx: &'a SyncSender<Item>,
    sent: &'a std::cell::Cell<u64>,
}

impl<'de> Visitor<'de> for Each<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of ticket objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(value) = seq.next_element::<Value>()? {
            let n = self.sent.get() + 1;
            self.sent.set(n);
            let item = match value {
                Value::Object(o) => Item::Object(n, o),
                _ => Item::Bad(n, "is not a JSON object".into(), false),
            };
            if self.tx.send(item).is_err() {
                // The import stopped reading: stop parsing too.
                return Err(serde::de::Error::custom("the import stopped"));
            }
        }
        Ok(())
    }
}
