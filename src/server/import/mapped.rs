//! Imports through a column mapping (a saved layout, `--map`, or the Data page's mapping screen):
//! each record becomes a ticket, or a later message of a thread when a thread column names a
//! ticket already read.

use super::formats::{content_id, subject_from_body, MapContext, Mapped};
use crate::domain::import::NewTicket;
use crate::domain::mapping::time::{read_time, ReadTime};
use crate::domain::mapping::{parse_flag, same_column, Field, Mapping};
use crate::domain::message::{MessageKind, NewMessage};
use crate::domain::{Channel, Priority, SentimentLabel, Status};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::HashSet;

/// A mapping checked against a file's header, with its columns' positions.
#[derive(Debug)]
pub struct MappedLayout {
    pub mapping: Mapping,
    positions: Vec<(Field, usize)>,
    zone: Option<chrono_tz::Tz>,
    /// Thread ids read so far: a row naming one continues that ticket.
    threads: HashSet<String>,
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
        let positions = mapping
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
            mapping,
            positions,
            zone,
            threads: HashSet::new(),
        })
    }

    /// Maps one record (fields in header order).
    pub fn map(&mut self, record: &csv::StringRecord, ctx: &MapContext) -> Result<Mapped, String> {
        let row = MappedRow {
            layout: self,
            record,
        };
        let thread = row.text(Field::ThreadId);
        if let Some(thread) = &thread {
            if self.threads.contains(thread) {
                let message = row.message(thread)?;
                return Ok(Mapped::Message(Box::new(message)));
            }
        }
        let mut ticket = row.ticket(ctx)?;
        if let Some(thread) = thread {
            // The first row of a thread opens the ticket the later rows continue.
            ticket.external_id = thread;
        }
        self.threads.insert(ticket.external_id.clone());
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
