//! The Tobi-Bueck multilingual help-desk layout: subject, body, answer, type, queue, priority, language.

use super::{content_id, subject_from_body, MapContext, Mapped, Row};
use crate::domain::import::NewTicket;
use crate::domain::{Channel, Priority, Status};

pub const REQUIRED: &[&str] = &["subject", "body", "answer", "queue", "priority"];

pub fn map(row: &Row<'_>, ctx: &MapContext) -> Result<Mapped, String> {
    let body = unescape(row.require("body")?);
    let subject = row.get("subject").map(unescape);
    let priority = row.vocab("priority", Priority::parse)?;
    let answer = row.get("answer").map(unescape);
    let external_id = match row.get("id") {
        Some(id) => id.to_string(),
        None => content_id(&[subject.as_deref().unwrap_or(""), &body]),
    };
    Ok(Mapped::Ticket(Box::new(NewTicket {
        external_id,
        subject: subject.unwrap_or_else(|| subject_from_body(&body)),
        customer_ref: None,
        customer_name: None,
        customer_email: None,
        product: None,
        product_line: row.get("business_type").map(str::to_string),
        channel: Channel::Email,
        priority,
        status: if answer.is_some() {
            Status::Resolved
        } else {
            Status::Open
        },
        category: row.get("queue").map(str::to_string),
        language: row.get("language").map(str::to_string),
        // The layout carries no times at all.
        created_at: ctx.started_at,
        first_response_at: None,
        resolved_at: None,
        csat: None,
        agent_reply: answer,
        agent: None,
        sentiment: None,
        escalate: None,
        body,
    })))
}

/// These files write line breaks as the two characters `\n`, and some as `<br>`.
fn unescape(text: &str) -> String {
    text.replace("\\n", "\n")
        .replace("<br>", "\n")
        .replace("<br/>", "\n")
}
