//! A dry run: every row of a file mapped as the import would, nothing written. Gives the first
//! rows as they would be stored, every bad row with its reason, and the vocabulary values no
//! value map covers; also the column samples the mapping screen suggests from.

use super::formats::{MapContext, Mapped};
use super::layout::Layout;
use super::table::{Next, Table};
use crate::domain::import::NewTicket;
use crate::domain::mapping::profile::ColumnSample;
use crate::domain::mapping::suggest::unknown_values;
use crate::domain::mapping::Field;
use std::collections::{BTreeMap, HashMap};

/// Bad rows kept for display; the counts stay exact.
const MAX_ERRORS: usize = 200;
/// Distinct values counted per vocabulary column.
const MAX_DISTINCT: usize = 1000;

#[derive(Debug, Clone, Default)]
pub struct Preview {
    /// The first rows: what each became, or why it was refused.
    pub rows: Vec<PreviewRow>,
    pub rows_read: u64,
    pub tickets: u64,
    pub messages: u64,
    pub ignored: u64,
    pub bad: u64,
    pub reasons: BTreeMap<String, u64>,
    pub errors: Vec<(u64, String)>,
    /// Vocabulary field → values read by no value map nor TicketLens' spellings, with counts.
    pub unknown: BTreeMap<Field, Vec<(String, usize)>>,
    /// Vocabulary field → every value of its column, with counts, most frequent first.
    pub values: BTreeMap<Field, Vec<(String, usize)>>,
    /// Tickets carrying a gold label (sentiment, category or escalation).
    pub labelled: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreviewRow {
    pub line: u64,
    pub outcome: Result<Vec<(&'static str, String)>, String>,
}

/// The columns of the preview table, in order.
pub const PREVIEW_COLUMNS: [&str; 9] = [
    "id", "created", "subject", "text", "customer", "channel", "priority", "status", "labels",
];

/// Maps every record of `table` through `layout`, keeping the first `show` rows.
pub fn preview(mut table: Table, layout: &mut Layout, show: usize) -> Preview {
    let ctx = MapContext {
        started_at: chrono::Utc::now(),
    };
    let vocab_columns: Vec<(Field, usize)> = match &*layout {
        Layout::Mapped { layout, .. } => layout
            .mapping
            .columns
            .iter()
            .filter(|(f, _)| f.has_vocabulary())
            .filter_map(|(f, c)| {
                table
                    .records
                    .header()
                    .iter()
                    .position(|h| crate::domain::mapping::same_column(h, c))
                    .map(|i| (*f, i))
            })
            .collect(),
        Layout::Builtin(..) => Vec::new(),
    };
    let mut seen: HashMap<Field, HashMap<String, usize>> = HashMap::new();
    let mut p = Preview::default();
    let mut record = csv::StringRecord::new();
    loop {
        let (line, outcome) = match table.records.next(&mut record) {
            Next::End => break,
            Next::Bad {
                line,
                reason,
                fatal,
            } => {
                p.rows_read += 1;
                p.refuse(line, reason.clone());
                if p.rows.len() < show {
                    p.rows.push(PreviewRow {
                        line,
                        outcome: Err(reason),
                    });
                }
                if fatal {
                    break;
                }
                continue;
            }
            Next::Row(line) => {
                p.rows_read += 1;
                for (f, i) in &vocab_columns {
                    let counts = seen.entry(*f).or_default();
                    let v = record.get(*i).unwrap_or("").trim();
                    if counts.len() < MAX_DISTINCT || counts.contains_key(v) {
                        *counts.entry(v.to_string()).or_default() += 1;
                    }
                }
                (line, layout.map(line, &record, &ctx).and_then(super::check))
            }
        };
        let shown = p.count(line, outcome);
        if p.rows.len() < show {
            p.rows.push(PreviewRow {
                line,
                outcome: shown,
            });
        }
    }
    for (line, outcome) in layout.finish(&ctx) {
        // Shown (as held) where they were read; counted now.
        let _shown_where_read = p.count(line, outcome.and_then(super::check));
    }
    if let Layout::Mapped { layout, .. } = &*layout {
        for (field, counts) in seen {
            let values = counts
                .iter()
                .flat_map(|(v, n)| std::iter::repeat_n(v.as_str(), *n));
            let unknown = unknown_values(&layout.mapping, field, values);
            if !unknown.is_empty() {
                p.unknown.insert(field, unknown);
            }
            let mut all: Vec<(String, usize)> =
                counts.into_iter().filter(|(v, _)| !v.is_empty()).collect();
            all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            p.values.insert(field, all);
        }
    }
    p
}

impl Preview {
    /// Counts one row's outcome; the cells (or the reason) its preview row shows.
    fn count(
        &mut self,
        line: u64,
        outcome: Result<Mapped, String>,
    ) -> Result<Vec<(&'static str, String)>, String> {
        match outcome {
            Ok(Mapped::Ticket(t)) => {
                self.tickets += 1;
                if t.sentiment.is_some() || t.category.is_some() || t.escalate.is_some() {
                    self.labelled += 1;
                }
                Ok(ticket_cells(&t))
            }
            Ok(Mapped::Message(m)) => {
                self.messages += 1;
                Ok(vec![
                    ("id", m.external_id.clone().unwrap_or_default()),
                    ("created", m.created_at.format("%Y-%m-%d %H:%M").to_string()),
                    (
                        "subject",
                        format!("({} message of {})", m.kind.as_str(), m.ticket_ref),
                    ),
                    ("text", cut(&m.body)),
                ])
            }
            Ok(Mapped::Tweet(t)) => {
                self.tickets += 1;
                Ok(vec![("text", cut(&t.text))])
            }
            Ok(Mapped::Ignored(why)) => {
                self.ignored += 1;
                *self.reasons.entry(why.to_string()).or_default() += 1;
                Err(why.to_string())
            }
            Err(why) => {
                self.refuse(line, why.clone());
                Err(why)
            }
            Ok(Mapped::Held) => Ok(vec![(
                "subject",
                "(answers a ticket not read yet: placed once the whole file is read)".to_string(),
            )]),
        }
    }

    fn refuse(&mut self, line: u64, why: String) {
        self.bad += 1;
        *self.reasons.entry(super::reason_kind(&why)).or_default() += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push((line, why));
        }
    }
}

fn cut(text: &str) -> String {
    let mut s: String = text.chars().take(160).collect();
    if text.chars().count() > 160 {
        s.push('…');
    }
    s
}

fn ticket_cells(t: &NewTicket) -> Vec<(&'static str, String)> {
    let mut labels = Vec::new();
    if let Some(c) = &t.category {
        labels.push(format!("category: {c}"));
    }
    if let Some(s) = t.sentiment {
        labels.push(format!("sentiment: {}", s.as_str()));
    }
    if let Some(e) = t.escalate {
        labels.push(format!("escalate: {e}"));
    }
    vec![
        ("id", t.external_id.clone()),
        ("created", t.created_at.format("%Y-%m-%d %H:%M").to_string()),
        ("subject", t.subject.clone()),
        ("text", cut(&t.body)),
        (
            "customer",
            t.customer_email
                .clone()
                .or_else(|| t.customer_name.clone())
                .or_else(|| t.customer_ref.clone())
                .unwrap_or_default(),
        ),
        ("channel", t.channel.as_str().to_string()),
        ("priority", t.priority.as_str().to_string()),
        ("status", t.status.as_str().to_string()),
        ("labels", labels.join(", ")),
    ]
}

/// The first `n` records of `table` as column samples (for suggestions and the mapping screen).
pub fn samples(table: &mut Table, n: usize) -> Vec<ColumnSample> {
    let header = table.records.header().to_vec();
    let mut columns: Vec<ColumnSample> = header
        .iter()
        .map(|h| ColumnSample {
            name: h.clone(),
            values: Vec::new(),
        })
        .collect();
    let mut record = csv::StringRecord::new();
    let mut read = 0;
    while read < n {
        match table.records.next(&mut record) {
            Next::End | Next::Bad { fatal: true, .. } => break,
            Next::Bad { .. } => {}
            Next::Row(_) => {
                read += 1;
                for (c, v) in columns.iter_mut().zip(record.iter()) {
                    c.values.push(v.to_string());
                }
            }
        }
    }
    columns
}
