//! TicketLens' own CSV layout (what `ticketlens demo --out` writes): every field of `NewTicket`,
//! and rows with a `message_kind` that carry the later messages of a ticket's thread.

use super::{kaggle::parse_csat, parse_time, Mapped, Row};
use crate::domain::import::NewTicket;
use crate::domain::message::{MessageKind, NewMessage};
use crate::domain::{Channel, Priority, SentimentLabel, Status};

pub const REQUIRED: &[&str] = &[
    "external_id",
    "created_at",
    "subject",
    "body",
    "channel",
    "priority",
    "status",
];

/// The header, in order, as written by [`write_header`].
pub const COLUMNS: &[&str] = &[
    "external_id",
    "created_at",
    "subject",
    "body",
    "customer_ref",
    "customer_name",
    "customer_email",
    "product",
    "product_line",
    "channel",
    "priority",
    "status",
    "category",
    "language",
    "first_response_at",
    "resolved_at",
    "csat",
    "agent_reply",
    "sentiment",
    "escalate",
    "message_kind",
    "message_author",
    "message_id",
    "agent",
];

/// A row whose `message_kind` is filled is a further message of the ticket `external_id` names:
/// only `external_id`, `created_at` and `body` are needed, with `message_author`, `message_id`
/// and `channel` when known.
fn message(row: &Row<'_>, kind: &str) -> Result<Mapped, String> {
    let kind = MessageKind::parse(kind).ok_or_else(|| format!("unknown message_kind {kind:?}"))?;
    let created = row.require("created_at")?;
    let created_at =
        parse_time(created).ok_or_else(|| format!("created_at {created:?} is not a date-time"))?;
    let channel = match row.get("channel") {
        None => None,
        Some(c) => Some(Channel::parse(c).ok_or_else(|| format!("unknown channel {c:?}"))?),
    };
    let (ticket_ref, body) = (row.require("external_id")?, row.require("body")?);
    let message = NewMessage {
        ticket_ref: ticket_ref.to_string(),
        kind,
        author: row.get("message_author").map(str::to_string),
        channel,
        created_at,
        // Without an id, the message's content identifies it, so a re-import adds it once.
        external_id: Some(match row.get("message_id") {
            Some(id) => id.to_string(),
            None => super::content_id(&[ticket_ref, created, kind.as_str(), body]),
        }),
        body: body.to_string(),
    };
    message.check()?;
    Ok(Mapped::Message(Box::new(message)))
}

pub fn map(row: &Row<'_>) -> Result<Mapped, String> {
    if let Some(kind) = row.get("message_kind") {
        return message(row, kind);
    }
    let channel = row.vocab("channel", Channel::parse)?;
    let priority = row.vocab("priority", Priority::parse)?;
    let status = row.vocab("status", Status::parse)?;
    let created = row.require("created_at")?;
    let created_at =
        parse_time(created).ok_or_else(|| format!("created_at {created:?} is not a date-time"))?;
    let time = |col: &str| match row.get(col) {
        None => Ok(None),
        Some(v) => parse_time(v)
            .map(Some)
            .ok_or_else(|| format!("{col} {v:?} is not a date-time")),
    };
    let sentiment = match row.get("sentiment") {
        None => None,
        Some(v) => {
            Some(SentimentLabel::parse(v).ok_or_else(|| format!("unknown sentiment {v:?}"))?)
        }
    };
    let escalate = match row.get("escalate") {
        None => None,
        Some("true" | "t" | "1" | "yes") => Some(true),
        Some("false" | "f" | "0" | "no") => Some(false),
        Some(v) => return Err(format!("escalate {v:?} is not true or false")),
    };
    let text = |col: &str| row.get(col).map(str::to_string);
    Ok(Mapped::Ticket(Box::new(NewTicket {
        external_id: row.require("external_id")?.to_string(),
        subject: row.require("subject")?.to_string(),
        body: row.require("body")?.to_string(),
        customer_ref: text("customer_ref"),
        customer_name: text("customer_name"),
        customer_email: text("customer_email"),
        product: text("product"),
        product_line: text("product_line"),
        channel,
        priority,
        status,
        category: text("category"),
        language: text("language"),
        created_at,
        first_response_at: time("first_response_at")?,
        resolved_at: time("resolved_at")?,
        csat: row.get("csat").map(parse_csat).transpose()?,
        agent_reply: text("agent_reply"),
        agent: text("agent"),
        sentiment,
        escalate,
    })))
}

/// The CSV record of a ticket in this layout.
pub fn record(t: &NewTicket) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let ts =
        |d: Option<chrono::DateTime<chrono::Utc>>| d.map(|d| d.to_rfc3339()).unwrap_or_default();
    vec![
        t.external_id.clone(),
        t.created_at.to_rfc3339(),
        t.subject.clone(),
        t.body.clone(),
        o(&t.customer_ref),
        o(&t.customer_name),
        o(&t.customer_email),
        o(&t.product),
        o(&t.product_line),
        t.channel.to_string(),
        t.priority.to_string(),
        t.status.to_string(),
        o(&t.category),
        o(&t.language),
        ts(t.first_response_at),
        ts(t.resolved_at),
        t.csat.map(|c| c.to_string()).unwrap_or_default(),
        o(&t.agent_reply),
        t.sentiment.map(|s| s.to_string()).unwrap_or_default(),
        t.escalate.map(|e| e.to_string()).unwrap_or_default(),
        String::new(),
        String::new(),
        String::new(),
        o(&t.agent),
    ]
}

/// The CSV record of a later message of a thread in this layout.
pub fn message_record(m: &NewMessage) -> Vec<String> {
    let mut r = vec![String::new(); COLUMNS.len()];
    r[0] = m.ticket_ref.clone();
    r[1] = m.created_at.to_rfc3339();
    r[3] = m.body.clone();
    r[9] = m.channel.map(|c| c.to_string()).unwrap_or_default();
    r[20] = m.kind.to_string();
    r[21] = m.author.clone().unwrap_or_default();
    r[22] = m.external_id.clone().unwrap_or_default();
    r
}

#[cfg(test)]
#[path = "ticketlens_props.rs"]
mod props;
