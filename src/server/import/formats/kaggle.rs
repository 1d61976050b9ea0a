//! The Kaggle "Customer Support Ticket Dataset" layout: one row per ticket, no creation time.

use super::{parse_time, MapContext, Mapped, Row};
use crate::domain::import::NewTicket;
use crate::domain::{Channel, Priority, Status};

pub const REQUIRED: &[&str] = &[
    "Ticket ID",
    "Ticket Description",
    "Ticket Priority",
    "Ticket Channel",
    "Ticket Status",
];

pub fn map(row: &Row<'_>, ctx: &MapContext) -> Result<Mapped, String> {
    let id = row.require("Ticket ID")?;
    let body = row.require("Ticket Description")?;
    let priority = row.vocab("Ticket Priority", Priority::parse)?;
    let channel = row.vocab("Ticket Channel", Channel::parse)?;
    let status = row.vocab("Ticket Status", Status::parse)?;
    let first = time(row, "First Response Time")?;
    let resolved = time(row, "Time to Resolution")?;
    // The file has no creation time: take the earliest time it gives, else the import's start.
    let created_at = [first, resolved]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(ctx.started_at);
    let csat = match row.get("Customer Satisfaction Rating") {
        None => None,
        Some(v) => Some(parse_csat(v)?),
    };
    let email = row.get("Customer Email").map(str::to_lowercase);
    Ok(Mapped::Ticket(Box::new(NewTicket {
        external_id: id.to_string(),
        subject: row
            .get("Ticket Subject")
            .map(str::to_string)
            .unwrap_or_else(|| super::subject_from_body(body)),
        body: body.to_string(),
        customer_ref: email
            .clone()
            .or_else(|| row.get("Customer Name").map(str::to_string)),
        customer_name: row.get("Customer Name").map(str::to_string),
        customer_email: email,
        product: row.get("Product Purchased").map(str::to_string),
        product_line: None,
        channel,
        priority,
        status,
        category: row.get("Ticket Type").map(str::to_string),
        language: Some("en".into()),
        created_at,
        first_response_at: first,
        resolved_at: resolved,
        csat,
        agent_reply: row.get("Resolution").map(str::to_string),
        agent: None,
        sentiment: None,
        escalate: None,
    })))
}

fn time(row: &Row<'_>, col: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, String> {
    match row.get(col) {
        None => Ok(None),
        Some(v) => parse_time(v)
            .map(Some)
            .ok_or_else(|| format!("{col} {v:?} is not a date-time")),
    }
}

/// Parses a 1–5 rating, accepting "4.0" as pandas writes it.
pub fn parse_csat(v: &str) -> Result<i16, String> {
    let n: f64 = v
        .parse()
        .map_err(|_| format!("satisfaction rating {v:?} is not a number"))?;
    if (1.0..=5.0).contains(&n) && n.fract() == 0.0 {
        Ok(n as i16)
    } else {
        Err(format!("satisfaction rating {v:?} is not between 1 and 5"))
    }
}
