//! Imports through a column mapping (a saved layout, `--map`, or the Data page's mapping screen):
//! each record becomes a ticket, or a later message of a thread when a thread column names a
//! ticket (or a message of one) read before or anywhere later in the file.

use super::formats::{content_id, subject_from_body, MapContext, Mapped};
use crate::domain::import::NewTicket;
use crate::domain::mapping::time::{read_time, ReadTime};
use crate::domain::mapping::{parse_flag, same_column, Field, Mapping};
use crate::domain::message::{MessageKind, NewMessage};
use crate::domain::{Channel, Priority, SentimentLabel, Status};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::{BTreeSet, HashMap};

/// Rows held for the end of the file at most, and their bytes: beyond either, a row answering
/// an id not read yet opens the ticket under that id at once (memory stays bounded; an export
/// whose thread column holds conversation ids rather than parents' ids holds every row).
const HOLD_ROWS: usize = 50_000;
const HOLD_BYTES: usize = 64 << 20;

/// A mapping checked against a file's header, with its columns' positions.
#[derive(Debug)]
pub struct MappedLayout {
    pub mapping: Mapping,
    positions: Vec<(Field, usize)>,
    zone: Option<chrono_tz::Tz>,
    /// Whether a thread column is mapped: ids are remembered only then.
    threaded: bool,
    /// Every ticket and message id read so far, with the ticket its thread opened.
    threads: HashMap<String, String>,
    /// Rows answering an id not read yet (an export sorted newest first), with their lines:
    /// placed by [`MappedLayout::finish`] once every row has been read.
    held: Vec<(u64, csv::StringRecord)>,
    held_bytes: usize,
}

impl MappedLayout {
    /// Checks `mapping` against `header`; the error is one sentence for the user.
    pub fn new(mapping: Mapping, header: &[String]) -> Result<Self, String> {
        mapping.check(header)?;
        let zone = match &mapping.time_zone {
            None => None,
            Some(name) => Some(name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
                format!("time zone {name:?} is not an IANA zone name (such as Europe/Berlin)")
            })?),
        };
        let positions: Vec<(Field, usize)> = mapping
            .columns
            .iter()
            .filter_map(|(f, c)| {
                header
                    .iter()
                    .position(|h| same_column(h, c))
                    .map(|i| (*f, i))
            })
            .collect();
        Ok(MappedLayout {
            threaded: positions.iter().any(|(f, _)| *f == Field::ThreadId),
            mapping,
            positions,
            zone,
            threads: HashMap::new(),
            held: Vec::new(),
            held_bytes: 0,
        })
    }

    /// Maps the record on `line` (fields in header order). A row answering an id no row has
    /// given yet is held ([`Mapped::Held`]) until [`MappedLayout::finish`].
    pub fn map(
        &mut self,
        line: u64,
        record: &csv::StringRecord,
        ctx: &MapContext,
    ) -> Result<Mapped, String> {
        let row = MappedRow {
            layout: self,
            record,
        };
        if !self.threaded {
            return Ok(Mapped::Ticket(Box::new(row.ticket(ctx)?)));
        }
        if let Some(thread) = row.text(Field::ThreadId) {
            let answers_another = row.text(Field::ExternalId).is_some_and(|id| id != thread);
            let room = self.held.len() < HOLD_ROWS && self.held_bytes < HOLD_BYTES;
            if answers_another && room && !self.threads.contains_key(&thread) {
                self.held_bytes += record.as_slice().len();
                self.held.push((line, record.clone()));
                return Ok(Mapped::Held);
            }
        }
        self.place(record, ctx)
    }

    /// The held rows, each a message of the thread it answers once the row it names is placed
    /// (earliest first, so a reply to a reply follows its parent whatever their times); when
    /// the file never gave an id, the earliest row naming it opens the ticket under it.
    pub fn finish(&mut self, ctx: &MapContext) -> Vec<(u64, Result<Mapped, String>)> {
        let mut held = std::mem::take(&mut self.held);
        self.held_bytes = 0;
        held.sort_by_cached_key(|(line, record)| {
            let row = MappedRow {
                layout: self,
                record,
            };
            (row.time(Field::CreatedAt).ok().flatten(), *line)
        });
        let ids: Vec<[Option<String>; 2]> = held
            .iter()
            .map(|(_, record)| {
                let row = MappedRow {
                    layout: self,
                    record,
                };
                [row.text(Field::ThreadId), row.text(Field::ExternalId)]
            })
            .collect();
        // Held rows by the id they answer, and those whose id is known now.
        let mut waiting: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut ready = BTreeSet::new();
        for (i, [thread, _]) in ids.iter().enumerate() {
            if let Some(t) = thread {
                if self.threads.contains_key(t) {
                    ready.insert(i);
                } else {
                    waiting.entry(t.as_str()).or_default().push(i);
                }
            }
        }
        let mut placed = vec![false; held.len()];
        let mut earliest = 0;
        let mut out = Vec::with_capacity(held.len());
        loop {
            let i = match ready.pop_first() {
                Some(i) => i,
                None => {
                    while earliest < held.len() && placed[earliest] {
                        earliest += 1;
                    }
                    if earliest == held.len() {
                        break;
                    }
                    earliest
                }
            };
            if std::mem::replace(&mut placed[i], true) {
                continue;
            }
            let (line, record) = &held[i];
            out.push((*line, self.place(record, ctx)));
            // The ids this row made known (its thread when it opened it, its own) free the
            // rows that answer them.
            for id in ids[i].iter().flatten() {
                if self.threads.contains_key(id) {
                    if let Some(rows) = waiting.remove(id.as_str()) {
                        ready.extend(rows.into_iter().filter(|&j| !placed[j]));
                    }
                }
            }
        }
        out
    }

    /// A row as a message of the thread its thread column names, or as a ticket: under the
    /// thread's id when it gives one no row opened yet, else under its own.
    fn place(&mut self, record: &csv::StringRecord, ctx: &MapContext) -> Result<Mapped, String> {
        let row = MappedRow {
            layout: self,
            record,
        };
        let thread = row.text(Field::ThreadId);
        let own = row.text(Field::ExternalId);
        if let Some(root) = thread.as_ref().and_then(|t| self.threads.get(t)).cloned() {
            let message = row.message(&root)?;
            if let Some(own) = own {
                self.threads.entry(own).or_insert(root);
            }
            return Ok(Mapped::Message(Box::new(message)));
        }
        let mut ticket = row.ticket(ctx)?;
        let own = ticket.external_id.clone();
        if let Some(thread) = thread {
            // The first row of a thread opens the ticket the later rows continue.
            ticket.external_id = thread;
        }
        let root = ticket.external_id.clone();
        self.threads.entry(own).or_insert_with(|| root.clone());
        self.threads.insert(root.clone(), root);
        Ok(Mapped::Ticket(Box::new(ticket)))
    }
}

struct MappedRow<'a> {
    layout: &'a MappedLayout,
    record: &'a csv::StringRecord,
}

impl MappedRow<'_> {
    fn raw(&self, field: Field) -> Option<&str> {
        let i = self.layout.positions.iter().find(|(f, _)| *f == field)?.1;
        let blank = |c: char| c.is_whitespace() || c == '\0';
        let v = self.record.get(i)?.trim_matches(blank);
        (!v.is_empty()).then_some(v)
    }

    fn text(&self, field: Field) -> Option<String> {
        let v = self.raw(field)?;
        Some(if self.layout.mapping.unescape_newlines {
            v.replace("\\n", "\n")
                .replace("<br>", "\n")
                .replace("<br/>", "\n")
        } else {
            v.to_string()
        })
    }

    /// A vocabulary value after the value map, or the mapping's default, or `None`.
    fn vocab(&self, field: Field) -> Option<(String, String)> {
        let m = &self.layout.mapping;
        match self.raw(field) {
            Some(v) => {
                let mapped = m.values.get(&field).and_then(|map| {
                    map.get(v).or_else(|| {
                        map.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(v))
                            .map(|(_, t)| t)
                    })
                });
                Some((
                    v.to_string(),
                    mapped.cloned().unwrap_or_else(|| v.to_string()),
                ))
            }
            None => m.defaults.get(&field).map(|d| (d.clone(), d.clone())),
        }
    }

    fn parsed<T>(&self, field: Field, parse: fn(&str) -> Option<T>) -> Result<Option<T>, String> {
        match self.vocab(field) {
            None => Ok(None),
            Some((raw, value)) => parse(&value)
                .map(Some)
                .ok_or_else(|| format!("unknown {} {raw:?}", field.name())),
        }
    }

    fn time(&self, field: Field) -> Result<Option<DateTime<Utc>>, String> {
        let Some(v) = self.raw(field) else {
            return Ok(None);
        };
        let read = read_time(v, self.layout.mapping.date_format.as_deref())
            .ok_or_else(|| format!("{} {v:?} is not a date-time", field.name()))?;
        match (read, self.layout.zone) {
            (ReadTime::Offset(d), _) => Ok(Some(d.with_timezone(&Utc))),
            (ReadTime::Local(n), None) => Ok(Some(n.and_utc())),
            (ReadTime::Local(n), Some(zone)) => zone
                .from_local_datetime(&n)
                .earliest()
                .map(|d| Some(d.with_timezone(&Utc)))
                .ok_or_else(|| {
                    format!(
                        "{} {v:?} does not exist in {zone} (a daylight-saving gap)",
                        field.name()
                    )
                }),
        }
    }

    fn ticket(&self, ctx: &MapContext) -> Result<NewTicket, String> {
        let subject = self.text(Field::Subject);
        let body = self
            .text(Field::Body)
            .or_else(|| subject.clone())
            .ok_or_else(|| "the message text is empty".to_string())?;
        let first_response_at = self.time(Field::FirstResponseAt)?;
        let resolved_at = self.time(Field::ResolvedAt)?;
        // Without a creation time: the earliest time the row gives, else the import's start.
        let created_at = match self.time(Field::CreatedAt)? {
            Some(t) => t,
            None => [first_response_at, resolved_at]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(ctx.started_at),
        };
        let agent_reply = self.text(Field::AgentReply);
        let status = self.parsed(Field::Status, Status::parse)?.unwrap_or(
            if agent_reply.is_some() || resolved_at.is_some() {
                Status::Resolved
            } else {
                Status::Open
            },
        );
        let csat = match self.raw(Field::Csat) {
            None => None,
            Some(v) => Some(super::formats::parse_csat(v)?),
        };
        let email = self.text(Field::CustomerEmail).map(|e| e.to_lowercase());
        let name = self.text(Field::CustomerName);
        let external_id = match self.text(Field::ExternalId) {
            Some(id) => id,
            None => content_id(&[
                subject.as_deref().unwrap_or(""),
                &body,
                self.raw(Field::CreatedAt).unwrap_or(""),
            ]),
        };
        Ok(NewTicket {
            external_id,
            subject: subject.unwrap_or_else(|| subject_from_body(&body)),
            customer_ref: self
                .text(Field::CustomerRef)
                .or_else(|| email.clone())
                .or_else(|| name.clone()),
            customer_name: name,
            customer_email: email,
            product: self.text(Field::Product),
            product_line: self.text(Field::ProductLine),
            channel: self
                .parsed(Field::Channel, Channel::parse)?
                .unwrap_or(Channel::Web),
            priority: self
                .parsed(Field::Priority, Priority::parse)?
                .unwrap_or(Priority::Medium),
            status,
            category: self.text(Field::Category),
            language: self.text(Field::Language),
            created_at,
            first_response_at,
            resolved_at,
            csat,
            agent_reply,
            agent: self.text(Field::Agent),
            sentiment: self.parsed(Field::Sentiment, SentimentLabel::parse)?,
            escalate: self.parsed(Field::Escalate, parse_flag)?,
            body,
        })
    }

    /// A later row of a thread: the customer's follow-up, or the agent's reply when the row
    /// names an agent.
    fn message(&self, thread: &str) -> Result<NewMessage, String> {
        let body = self
            .text(Field::Body)
            .or_else(|| self.text(Field::Subject))
            .ok_or_else(|| "the message text is empty".to_string())?;
        let created_at = self.time(Field::CreatedAt)?.ok_or_else(|| {
            "created_at is empty (a row continuing a thread needs its time)".to_string()
        })?;
        let agent = self.text(Field::Agent);
        let message = NewMessage {
            ticket_ref: thread.to_string(),
            kind: if agent.is_some() {
                MessageKind::Agent
            } else {
                MessageKind::Customer
            },
            author: agent.or_else(|| {
                self.text(Field::CustomerRef)
                    .or_else(|| self.text(Field::CustomerEmail))
                    .or_else(|| self.text(Field::CustomerName))
            }),
            channel: self.parsed(Field::Channel, Channel::parse)?,
            created_at,
            external_id: Some(match self.text(Field::ExternalId) {
                Some(id) => id,
                None => content_id(&[thread, self.raw(Field::CreatedAt).unwrap_or(""), &body]),
            }),
            body,
        };
        message.check()?;
        Ok(message)
    }
}

#[cfg(test)]
mod tests;
