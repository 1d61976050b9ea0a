//! A ticket's conversation: its messages, who wrote them, and the sentiment trajectory they trace.

use super::escalation::TextSpan;
use super::Channel;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who a message comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    Customer,
    Agent,
    /// An internal note, never shown to the customer.
    Note,
    /// Written by TicketLens or the source system (status changes, bounces).
    System,
}

impl MessageKind {
    pub const ALL: &'static [MessageKind] = &[
        MessageKind::Customer,
        MessageKind::Agent,
        MessageKind::Note,
        MessageKind::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Customer => "customer",
            MessageKind::Agent => "agent",
            MessageKind::Note => "note",
            MessageKind::System => "system",
        }
    }

    /// Parses the names help desks use ("end-user", "requester", "internal note", "brand").
    pub fn parse(text: &str) -> Option<Self> {
        Some(
            match text
                .trim()
                .to_ascii_lowercase()
                .replace(['_', '-'], " ")
                .as_str()
            {
                "customer" | "end user" | "requester" | "contact" | "user" | "inbound" => {
                    MessageKind::Customer
                }
                "agent" | "brand" | "staff" | "support" | "outbound" | "reply" => {
                    MessageKind::Agent
                }
                "note" | "internal" | "internal note" | "private" => MessageKind::Note,
                "system" | "event" | "automation" => MessageKind::System,
                _ => return None,
            },
        )
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A message to add to a ticket: from an import row, the REST API or the inbound webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// The ticket's external id in the import's source (imports only; the API names the ticket).
    pub ticket_ref: String,
    pub kind: MessageKind,
    pub author: Option<String>,
    /// None: the ticket's channel.
    pub channel: Option<Channel>,
    pub created_at: DateTime<Utc>,
    /// The source's id for the message; appending the same id twice stores it once.
    pub external_id: Option<String>,
    pub body: String,
}

/// The longest message body accepted, in bytes (as for a ticket's body).
pub const MAX_BODY: usize = 100_000;

impl NewMessage {
    /// What the database would reject, as a sentence (NULs aside: the writer drops them).
    pub fn check(&self) -> Result<(), String> {
        if self
            .body
            .trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .is_empty()
        {
            return Err("the message body is empty".into());
        }
        if self.body.len() > MAX_BODY {
            return Err(format!("the message body is over {MAX_BODY} bytes"));
        }
        if self
            .external_id
            .as_deref()
            .is_some_and(|e| e.chars().count() > 200)
        {
            return Err("the message id is over 200 characters".into());
        }
        // PostgreSQL reads no year 0 (1 BC) and no five-digit year in a timestamp.
        if !(1..=9999).contains(&chrono::Datelike::year(&self.created_at)) {
            return Err("the message's time is outside the years 1 to 9999".into());
        }
        Ok(())
    }

    /// `check`, and for a message arriving now (API, webhook): not dated more than a day ahead,
    /// which would stop its ticket's clocks.
    pub fn check_arriving(&self, now: DateTime<Utc>) -> Result<(), String> {
        self.check()?;
        if self.created_at > now + chrono::Duration::days(1) {
            return Err(format!(
                "the message's time {} is more than a day in the future",
                self.created_at.to_rfc3339()
            ));
        }
        Ok(())
    }
}

/// One message of a thread as the Ticket page and the REST API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct MessageView {
    pub id: i64,
    pub kind: String,
    pub author: Option<String>,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub external_id: Option<String>,
    pub body: String,
    /// The ticket's own text, analysed with the ticket.
    pub opening: bool,
    /// Sentiment label and score of a customer message, once analysed.
    pub sentiment: Option<String>,
    pub score: Option<f32>,
    /// The label an agent gave a later customer message (a gold label for evaluation).
    #[serde(default)]
    pub correction: Option<String>,
    /// Where escalation rules matched in this message's body.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub spans: Vec<TextSpan>,
}

/// How a conversation's mood moved, from the customer's messages in order.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trajectory {
    pub first: f32,
    pub latest: f32,
    pub lowest: f32,
    /// Customer messages scored so far.
    pub messages: u32,
}

/// A change of at most this much (on -1..1) counts as "stayed".
pub const STEADY: f32 = 0.2;

/// Which way a conversation went from its first to its latest customer message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shift {
    Improved,
    Stayed,
    Worsened,
}

impl Shift {
    pub const ALL: [Shift; 3] = [Shift::Improved, Shift::Stayed, Shift::Worsened];

    pub fn as_str(self) -> &'static str {
        match self {
            Shift::Improved => "improved",
            Shift::Stayed => "stayed",
            Shift::Worsened => "worsened",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Shift::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }
}

impl Trajectory {
    /// From the customer messages' scores in time order; None without any.
    pub fn of(scores: &[f32]) -> Option<Self> {
        let (&first, &latest) = (scores.first()?, scores.last()?);
        Some(Trajectory {
            first,
            latest,
            lowest: scores.iter().copied().fold(f32::INFINITY, f32::min),
            messages: scores.len() as u32,
        })
    }

    /// Latest minus first: negative when the customer grew unhappier.
    pub fn change(&self) -> f32 {
        self.latest - self.first
    }

    pub fn shift(&self) -> Shift {
        match self.change() {
            c if c > STEADY => Shift::Improved,
            c if c < -STEADY => Shift::Worsened,
            _ => Shift::Stayed,
        }
    }
}

/// What separates customer messages in the text escalation rules scan.
pub const SEPARATOR: &str = "\n\n";

/// The text escalation rules scan: the opening text, then each later customer message after a
/// blank line; with the byte offset where each later message starts, so a matched span can be
/// shown on the message it came from.
pub fn conversation_text(opening: &str, follow_ups: &[String]) -> (String, Vec<usize>) {
    let mut text = opening.to_string();
    let mut starts = Vec::with_capacity(follow_ups.len());
    for m in follow_ups {
        text.push_str(SEPARATOR);
        starts.push(text.len());
        text.push_str(m);
    }
    (text, starts)
}

/// Places spans of the conversation text (see [`conversation_text`]) on the messages of `thread`
/// (in thread order) they came from, relative to each message's body; spans in the subject stay
/// with the escalation panel.
pub fn place_spans(thread: &mut [MessageView], subject: &str, spans: &[TextSpan]) {
    let body_at = if subject.is_empty() {
        0
    } else {
        subject.len() + 1
    };
    let mut at = 0;
    let mut places: Vec<(usize, usize)> = Vec::new();
    for (i, m) in thread.iter().enumerate() {
        if m.opening {
            places.push((i, body_at));
            at = at.max(body_at + m.body.len());
        }
    }
    for (i, m) in thread.iter().enumerate() {
        if m.kind == "customer" && !m.opening {
            at += SEPARATOR.len();
            places.push((i, at));
            at += m.body.len();
        }
    }
    for (i, start) in places {
        let end = start + thread[i].body.len();
        thread[i].spans = spans
            .iter()
            .filter(|s| s.start >= start && s.end <= end)
            .map(|s| TextSpan {
                start: s.start - start,
                end: s.end - start,
            })
            .collect();
    }
}

/// The customer messages' scores in thread order, the points of the trajectory.
pub fn customer_scores(thread: &[MessageView]) -> Vec<f32> {
    thread
        .iter()
        .filter(|m| m.kind == "customer")
        .filter_map(|m| m.score)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectory_reads_first_latest_lowest_and_change() {
        let t = Trajectory::of(&[0.1, -0.7, -0.3]).unwrap();
        assert_eq!(
            (t.first, t.latest, t.lowest, t.messages),
            (0.1, -0.3, -0.7, 3)
        );
        assert!((t.change() + 0.4).abs() < 1e-6);
        assert_eq!(t.shift(), Shift::Worsened);
        assert_eq!(
            Trajectory::of(&[-0.5, 0.6]).unwrap().shift(),
            Shift::Improved
        );
        assert_eq!(Trajectory::of(&[0.2]).unwrap().shift(), Shift::Stayed);
        assert_eq!(Trajectory::of(&[]), None);
    }

    #[test]
    fn conversation_text_marks_where_each_follow_up_starts() {
        let (text, starts) = conversation_text(
            "Late order\nWhere is it?",
            &["Still nothing".into(), "Lawyer!".into()],
        );
        assert_eq!(&text[starts[0]..starts[0] + 13], "Still nothing");
        assert_eq!(&text[starts[1]..], "Lawyer!");
    }

    #[test]
    fn kinds_parse_help_desk_names() {
        assert_eq!(MessageKind::parse("End-user"), Some(MessageKind::Customer));
        assert_eq!(MessageKind::parse("Internal note"), Some(MessageKind::Note));
        assert_eq!(MessageKind::parse("brand"), Some(MessageKind::Agent));
        assert_eq!(MessageKind::parse("bot?"), None);
        for k in MessageKind::ALL {
            assert_eq!(MessageKind::parse(k.as_str()), Some(*k));
        }
    }

    #[test]
    fn empty_and_oversized_messages_are_refused() {
        let m = NewMessage {
            ticket_ref: "T-1".into(),
            kind: MessageKind::Customer,
            author: None,
            channel: None,
            created_at: Utc::now(),
            external_id: None,
            body: "  ".into(),
        };
        assert!(m.check().unwrap_err().contains("empty"));
        let long = NewMessage {
            body: "x".repeat(MAX_BODY + 1),
            ..m.clone()
        };
        assert!(long.check().unwrap_err().contains("over"));
        let nuls = NewMessage {
            body: "\0 \0".into(),
            ..m.clone()
        };
        assert!(nuls.check().unwrap_err().contains("empty"));
        let fine = NewMessage {
            body: "still broken".into(),
            ..m
        };
        assert_eq!(fine.check(), Ok(()));
        let now = fine.created_at;
        assert_eq!(fine.check_arriving(now), Ok(()));
        let ahead = NewMessage {
            created_at: now + chrono::Duration::days(2),
            ..fine
        };
        assert_eq!(ahead.check(), Ok(()), "an import may carry any year");
        assert!(ahead.check_arriving(now).unwrap_err().contains("future"));
    }
}
