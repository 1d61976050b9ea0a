//! The "Customer Support on Twitter" layout: a customer's first tweet of a thread becomes a ticket.

use super::{subject_from_body, Mapped, Row};
use crate::domain::import::NewTicket;
use crate::domain::{Channel, Priority, Status};
use chrono::{DateTime, Utc};

pub const REQUIRED: &[&str] = &["tweet_id", "author_id", "inbound", "created_at", "text"];

pub fn map(row: &Row<'_>) -> Result<Mapped, String> {
    let inbound = match row.get("inbound") {
        Some("True") => true,
        Some("False") => false,
        other => {
            return Err(format!(
                "inbound is {other:?}, neither True nor False (broken record)"
            ))
        }
    };
    if !inbound {
        return Ok(Mapped::Ignored("brand reply, not a customer ticket"));
    }
    if row.get("in_response_to_tweet_id").is_some() {
        return Ok(Mapped::Ignored("follow-up tweet inside a conversation"));
    }
    let id = row.require("tweet_id")?;
    let created = row.require("created_at")?;
    let created_at = DateTime::parse_from_str(created, "%a %b %d %H:%M:%S %z %Y")
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("created_at {created:?} is not a Twitter date"))?;
    let text = row.require("text")?;
    let answered = row.get("response_tweet_id").is_some();
    Ok(Mapped::Ticket(Box::new(NewTicket {
        external_id: id.to_string(),
        subject: subject_from_body(text),
        body: text.to_string(),
        customer_ref: Some(format!("twitter:{}", row.require("author_id")?)),
        customer_name: None,
        customer_email: None,
        product: brand(text),
        product_line: None,
        channel: Channel::Social,
        priority: Priority::Medium,
        status: if answered {
            Status::Resolved
        } else {
            Status::Open
        },
        category: None,
        language: None,
        created_at,
        first_response_at: None,
        resolved_at: None,
        csat: None,
        agent_reply: None,
        sentiment: None,
        escalate: None,
    })))
}

/// The brand addressed: the first @mention that is a name, not an anonymised number.
fn brand(text: &str) -> Option<String> {
    text.split_whitespace()
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_'))
        .find(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_brand_not_the_customer() {
        assert_eq!(
            brand("@115712 @sprintcare help!"),
            Some("sprintcare".into())
        );
        assert_eq!(
            brand("@AppleSupport, my phone"),
            Some("AppleSupport".into())
        );
        assert_eq!(brand("no mention"), None);
    }
}
