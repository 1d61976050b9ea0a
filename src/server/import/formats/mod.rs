//! The CSV layouts TicketLens reads, detected from the header, each mapped to `NewTicket` row by row.

mod kaggle;
mod multilang;
pub mod ticketlens;
pub mod twcs;

pub use kaggle::parse_csat;

use crate::domain::import::NewTicket;
use crate::domain::mapping::{Field, Mapping};
use crate::domain::message::NewMessage;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::HashMap;

/// A supported CSV layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// TicketLens' own export and demo layout.
    Ticketlens,
    /// Kaggle "Customer Support Ticket Dataset" (Ticket ID, Ticket Description, ...).
    Kaggle,
    /// Tobi-Bueck multilingual tickets (subject, body, answer, type, queue, ...).
    Multilang,
    /// Kaggle "Customer Support on Twitter" (tweet_id, inbound, text, ...).
    Twcs,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Ticketlens => "ticketlens",
            Format::Kaggle => "kaggle",
            Format::Multilang => "multilang",
            Format::Twcs => "twcs",
        }
    }

    pub const ALL: [Format; 4] = [
        Format::Ticketlens,
        Format::Kaggle,
        Format::Multilang,
        Format::Twcs,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name.trim().to_ascii_lowercase())
    }

    /// Which of the layout's columns feed which field, as a saved layout would say it (other
    /// columns, such as a tweet's `inbound` flag, steer the layout's own code).
    pub fn mapping(self) -> Mapping {
        use Field as F;
        let pairs: &[(F, &str)] = match self {
            Format::Ticketlens => &[
                (F::ExternalId, "external_id"),
                (F::CreatedAt, "created_at"),
                (F::Subject, "subject"),
                (F::Body, "body"),
                (F::CustomerRef, "customer_ref"),
                (F::CustomerName, "customer_name"),
                (F::CustomerEmail, "customer_email"),
                (F::Product, "product"),
                (F::ProductLine, "product_line"),
                (F::Channel, "channel"),
                (F::Priority, "priority"),
                (F::Status, "status"),
                (F::Category, "category"),
                (F::Language, "language"),
                (F::FirstResponseAt, "first_response_at"),
                (F::ResolvedAt, "resolved_at"),
                (F::Csat, "csat"),
                (F::AgentReply, "agent_reply"),
                (F::Sentiment, "sentiment"),
                (F::Escalate, "escalate"),
                (F::Agent, "agent"),
            ],
            Format::Kaggle => &[
                (F::ExternalId, "Ticket ID"),
                (F::CustomerName, "Customer Name"),
                (F::CustomerEmail, "Customer Email"),
                (F::Product, "Product Purchased"),
                (F::Category, "Ticket Type"),
                (F::Subject, "Ticket Subject"),
                (F::Body, "Ticket Description"),
                (F::Status, "Ticket Status"),
                (F::AgentReply, "Resolution"),
                (F::Priority, "Ticket Priority"),
                (F::Channel, "Ticket Channel"),
                (F::FirstResponseAt, "First Response Time"),
                (F::ResolvedAt, "Time to Resolution"),
                (F::Csat, "Customer Satisfaction Rating"),
            ],
            Format::Multilang => &[
                (F::ExternalId, "id"),
                (F::Subject, "subject"),
                (F::Body, "body"),
                (F::AgentReply, "answer"),
                (F::Category, "queue"),
                (F::Priority, "priority"),
                (F::Language, "language"),
                (F::ProductLine, "business_type"),
            ],
            Format::Twcs => &[
                (F::ExternalId, "tweet_id"),
                (F::CustomerRef, "author_id"),
                (F::CreatedAt, "created_at"),
                (F::Body, "text"),
                (F::ThreadId, "in_response_to_tweet_id"),
            ],
        };
        Mapping {
            columns: pairs.iter().map(|(f, c)| (*f, c.to_string())).collect(),
            unescape_newlines: self == Format::Multilang,
            ..Mapping::default()
        }
    }

    /// Recognises a layout from its header row.
    pub fn detect(header: &Header) -> Option<Self> {
        if header.has_all(&["external_id", "subject", "body", "created_at"]) {
            Some(Format::Ticketlens)
        } else if header.has_all(&["Ticket ID", "Ticket Description"]) {
            Some(Format::Kaggle)
        } else if header.has_all(&["tweet_id", "inbound", "text"]) {
            Some(Format::Twcs)
        } else if header.has_all(&["subject", "body", "answer", "queue"]) {
            Some(Format::Multilang)
        } else {
            None
        }
    }

    /// The columns a file of this layout must have.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Format::Ticketlens => ticketlens::REQUIRED,
            Format::Kaggle => kaggle::REQUIRED,
            Format::Multilang => multilang::REQUIRED,
            Format::Twcs => twcs::REQUIRED,
        }
    }

    /// Maps one record; `Ok(Ignored(..))` for rows that are not tickets (e.g. a brand's reply tweet).
    pub fn map(self, row: &Row<'_>, ctx: &MapContext) -> Result<Mapped, String> {
        match self {
            Format::Ticketlens => ticketlens::map(row),
            Format::Kaggle => kaggle::map(row, ctx),
            Format::Multilang => multilang::map(row, ctx),
            Format::Twcs => twcs::map(row),
        }
    }
}

/// What a record became.
#[derive(Debug)]
pub enum Mapped {
    Ticket(Box<NewTicket>),
    /// A later message of a ticket's thread, written once every ticket of the file is.
    Message(Box<NewMessage>),
    /// A tweet, threaded with the others at the end of the file.
    Tweet(Box<twcs::Tweet>),
    /// Not a ticket, with the reason, counted in the summary but not an error.
    Ignored(&'static str),
    /// A row answering a ticket not read yet: the layout gives it back at the end of the file.
    Held,
}

/// Facts about the import run that mappings may need.
#[derive(Debug, Clone)]
pub struct MapContext {
    /// When the import started: the creation time of tickets whose source has none.
    pub started_at: DateTime<Utc>,
}

/// Column positions by name.
#[derive(Debug, Clone)]
pub struct Header {
    index: HashMap<String, usize>,
}

impl Header {
    pub fn new(record: &csv::StringRecord) -> Self {
        let index = record
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().trim_start_matches('\u{feff}').to_string(), i))
            .collect();
        Header { index }
    }

    /// Column positions from names already read (the header row of any kind of file).
    pub fn from_names(names: &[String]) -> Self {
        Header::new(&csv::StringRecord::from(names.to_vec()))
    }

    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.index.contains_key(*n))
    }

    pub fn missing(&self, names: &[&str]) -> Vec<String> {
        names
            .iter()
            .filter(|n| !self.index.contains_key(**n))
            .map(|n| n.to_string())
            .collect()
    }
}

/// One record with access by column name.
pub struct Row<'a> {
    pub header: &'a Header,
    pub record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The trimmed value of a column; `None` when the column is absent or the cell empty.
    /// NULs count as blank: the database cannot store them, so the writer drops them.
    pub fn get(&self, name: &str) -> Option<&str> {
        let i = *self.header.index.get(name)?;
        let blank = |c: char| c.is_whitespace() || c == '\0';
        let v = self.record.get(i)?.trim_matches(blank);
        (!v.is_empty()).then_some(v)
    }

    /// A required column holding one word of a closed vocabulary.
    pub fn vocab<T>(&self, name: &str, parse: fn(&str) -> Option<T>) -> Result<T, String> {
        let v = self.require(name)?;
        parse(v).ok_or_else(|| format!("unknown {name} {v:?}"))
    }

    /// A required, non-empty column.
    pub fn require(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("{name} is empty"))
    }
}

/// Parses timestamps in the layouts we meet: RFC 3339, `YYYY-MM-DD HH:MM:SS`, or a bare date.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    // Two-digit years ("22-03-21", as Excel re-saves) are ambiguous: refuse them.
    if t.split('-').next().is_none_or(|year| year.len() != 4) {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            return Some(d.and_utc());
        }
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// A subject for sources without one: the first words of the body.
pub fn subject_from_body(body: &str) -> String {
    let first_line = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(body)
        .trim();
    let mut s: String = first_line.chars().take(80).collect();
    if first_line.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// A stable id for sources without one, from the ticket's text.
pub fn content_id(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    format!("h{}", hex::encode(&h.finalize()[..10]))
}

#[cfg(test)]
pub(super) mod props;

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cols: &[&str]) -> Header {
        Header::new(&csv::StringRecord::from(cols.to_vec()))
    }

    #[test]
    fn detects_each_layout_from_its_header() {
        assert_eq!(
            Format::detect(&header(&[
                "Ticket ID",
                "Customer Name",
                "Ticket Description"
            ])),
            Some(Format::Kaggle)
        );
        assert_eq!(
            Format::detect(&header(&["", "tweet_id", "author_id", "inbound", "text"])),
            Some(Format::Twcs)
        );
        assert_eq!(
            Format::detect(&header(&["id", "subject", "body", "answer", "queue"])),
            Some(Format::Multilang)
        );
        assert_eq!(
            Format::detect(&header(&["external_id", "created_at", "subject", "body"])),
            Some(Format::Ticketlens)
        );
        assert_eq!(Format::detect(&header(&["a", "b"])), None);
    }

    #[test]
    fn parses_the_timestamp_styles_of_the_sources() {
        assert!(parse_time("2023-06-01 12:15:36").is_some());
        assert!(parse_time("2024-01-02T03:04:05+00:00").is_some());
        assert!(parse_time("2021-03-22").is_some());
        assert!(parse_time("22-03-21").is_none());
    }

    #[test]
    fn content_ids_are_stable_and_distinct() {
        assert_eq!(content_id(&["a", "b"]), content_id(&["a", "b"]));
        assert_ne!(content_id(&["ab", ""]), content_id(&["a", "b"]));
    }
}
