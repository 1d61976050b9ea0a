//! The "Customer Support on Twitter" layout: reply chains (`in_response_to_tweet_id`) become
//! conversations, each one ticket opened by its first customer tweet, the brand's replies agent
//! messages. Threads need the whole file, so rows are collected and threaded at the end.

use super::{subject_from_body, Mapped, Row};
use crate::domain::import::NewTicket;
use crate::domain::message::{MessageKind, NewMessage};
use crate::domain::{Channel, Priority, Status};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

pub const REQUIRED: &[&str] = &["tweet_id", "author_id", "inbound", "created_at", "text"];

/// One row of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Tweet {
    pub id: String,
    pub author: String,
    /// From a customer (true) or the brand (false).
    pub inbound: bool,
    pub created_at: DateTime<Utc>,
    pub text: String,
    pub in_response_to: Option<String>,
    /// The line of the file, for reports.
    pub line: u64,
}

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
    let created = row.require("created_at")?;
    let created_at = DateTime::parse_from_str(created, "%a %b %d %H:%M:%S %z %Y")
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| format!("created_at {created:?} is not a Twitter date"))?;
    Ok(Mapped::Tweet(Box::new(Tweet {
        id: row.require("tweet_id")?.to_string(),
        author: row.require("author_id")?.to_string(),
        inbound,
        created_at,
        text: row.require("text")?.to_string(),
        // The public file stores the parent's id as a float ("3.0").
        in_response_to: row
            .get("in_response_to_tweet_id")
            .map(|p| p.strip_suffix(".0").unwrap_or(p).to_string()),
        line: 0,
    })))
}

/// What threading a file gave: tickets, the messages after each ticket's opening tweet and first
/// brand reply (with their lines), and the tweets that belong to no ticket, with the reason.
#[derive(Debug, Default)]
pub struct Threads {
    /// Each ticket with the lines of its opening tweet and first brand reply.
    pub tickets: Vec<(Vec<u64>, NewTicket)>,
    pub messages: Vec<(u64, NewMessage)>,
    pub skipped: Vec<(u64, &'static str)>,
}

/// Why a tweet is not stored.
pub const NO_CUSTOMER: &str = "brand tweet in a conversation without a customer tweet";
pub const DUPLICATE: &str = "tweet id seen earlier in the file";
pub const REFUSED_OPENING: &str = "tweet of a conversation whose opening tweet was skipped";

/// Groups tweets into conversations by following each reply to the earliest tweet of its chain
/// that is in the file (a reply to a missing tweet starts its own conversation), in any row
/// order.
pub fn threads(tweets: Vec<Tweet>) -> Threads {
    let mut out = Threads::default();
    let mut by_id: HashMap<String, Tweet> = HashMap::with_capacity(tweets.len());
    for t in tweets {
        if by_id.contains_key(&t.id) {
            out.skipped.push((t.line, DUPLICATE));
        } else {
            by_id.insert(t.id.clone(), t);
        }
    }
    let root = roots(&by_id);
    let mut groups: HashMap<&str, Vec<&Tweet>> = HashMap::new();
    for t in by_id.values() {
        groups.entry(root[t.id.as_str()]).or_default().push(t);
    }
    let mut groups: Vec<Vec<&Tweet>> = groups.into_values().collect();
    for g in &mut groups {
        g.sort_by_key(|t| (t.created_at, t.line));
    }
    groups.sort_by_key(|g| g[0].line);
    for g in groups {
        conversation(&g, &mut out);
    }
    out
}

/// The conversation of every tweet: the earliest ancestor in the file, found once per chain
/// (a cycle's conversation is named by its smallest id, whichever tweet the walk starts from).
fn roots(by_id: &HashMap<String, Tweet>) -> HashMap<&str, &str> {
    let mut root: HashMap<&str, &str> = HashMap::with_capacity(by_id.len());
    let mut path: Vec<&str> = Vec::new();
    let mut on_path: HashMap<&str, usize> = HashMap::new();
    for start in by_id.values() {
        path.clear();
        on_path.clear();
        let mut at = start;
        let found = loop {
            if let Some(r) = root.get(at.id.as_str()) {
                break *r;
            }
            if let Some(&pos) = on_path.get(at.id.as_str()) {
                break path[pos..]
                    .iter()
                    .copied()
                    .min()
                    .expect("a cycle has members");
            }
            on_path.insert(&at.id, path.len());
            path.push(&at.id);
            match at.in_response_to.as_ref().and_then(|p| by_id.get(p)) {
                Some(parent) => at = parent,
                None => break at.id.as_str(),
            }
        };
        for p in &path {
            root.insert(p, found);
        }
    }
    root
}

/// One conversation in time order as a ticket and its messages.
fn conversation(tweets: &[&Tweet], out: &mut Threads) {
    let Some(open_at) = tweets.iter().position(|t| t.inbound) else {
        out.skipped
            .extend(tweets.iter().map(|t| (t.line, NO_CUSTOMER)));
        return;
    };
    let opening = tweets[open_at];
    let first_reply = tweets[open_at + 1..].iter().position(|t| !t.inbound);
    let reply = first_reply.map(|i| tweets[open_at + 1 + i]);
    let brand = tweets.iter().find(|t| !t.inbound).map(|t| t.author.clone());
    let last = tweets[tweets.len() - 1];
    let lines = std::iter::once(opening.line)
        .chain(reply.map(|r| r.line))
        .collect();
    out.tickets.push((
        lines,
        NewTicket {
            external_id: opening.id.clone(),
            subject: subject_from_body(&opening.text),
            body: opening.text.clone(),
            customer_ref: Some(format!("twitter:{}", opening.author)),
            customer_name: None,
            customer_email: None,
            product: brand.or_else(|| mentioned_brand(&opening.text)),
            product_line: None,
            channel: Channel::Social,
            priority: Priority::Medium,
            // The brand had the last word: answered; else the customer still waits.
            status: if last.inbound {
                Status::Open
            } else {
                Status::Resolved
            },
            category: None,
            language: None,
            created_at: opening.created_at,
            first_response_at: reply.map(|r| r.created_at),
            resolved_at: (!last.inbound).then_some(last.created_at),
            csat: None,
            agent_reply: reply.map(|r| r.text.clone()),
            agent: reply.map(|r| r.author.clone()),
            sentiment: None,
            escalate: None,
        },
    ));
    for t in tweets {
        if std::ptr::eq(*t, opening) || reply.is_some_and(|r| std::ptr::eq(*t, r)) {
            continue;
        }
        let message = NewMessage {
            ticket_ref: opening.id.clone(),
            kind: if t.inbound {
                MessageKind::Customer
            } else {
                MessageKind::Agent
            },
            author: Some(t.author.clone()),
            channel: Some(Channel::Social),
            created_at: t.created_at,
            external_id: Some(t.id.clone()),
            body: t.text.clone(),
        };
        out.messages.push((t.line, message));
    }
}

/// The brand addressed: the first @mention that is a name, not an anonymised number.
fn mentioned_brand(text: &str) -> Option<String> {
    text.split_whitespace()
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_'))
        .find(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
}

#[cfg(test)]
#[path = "twcs_tests.rs"]
mod tests;
