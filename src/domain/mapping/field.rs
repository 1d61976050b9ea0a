//! The ticket fields an import can fill, with the kind of values each one takes.

use crate::domain::{Channel, Priority, SentimentLabel, Status};
use serde::{Deserialize, Serialize};

/// A TicketLens field a column can feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    ExternalId,
    Subject,
    Body,
    CustomerRef,
    CustomerName,
    CustomerEmail,
    Product,
    ProductLine,
    Channel,
    Priority,
    Status,
    Category,
    Language,
    CreatedAt,
    FirstResponseAt,
    ResolvedAt,
    Csat,
    AgentReply,
    Agent,
    /// The ticket a row continues: such a row becomes a follow-up message of that ticket.
    ThreadId,
    /// A gold sentiment label.
    Sentiment,
    /// A gold escalation decision.
    Escalate,
}

/// What a field's values look like, for suggestions and checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Id,
    ShortText,
    LongText,
    Email,
    Vocabulary,
    Time,
    Rating,
    Flag,
    Name,
}

impl Field {
    pub const ALL: [Field; 22] = [
        Field::ExternalId,
        Field::Subject,
        Field::Body,
        Field::CustomerRef,
        Field::CustomerName,
        Field::CustomerEmail,
        Field::Product,
        Field::ProductLine,
        Field::Channel,
        Field::Priority,
        Field::Status,
        Field::Category,
        Field::Language,
        Field::CreatedAt,
        Field::FirstResponseAt,
        Field::ResolvedAt,
        Field::Csat,
        Field::AgentReply,
        Field::Agent,
        Field::ThreadId,
        Field::Sentiment,
        Field::Escalate,
    ];

    /// The name used in `--map`, JSON layouts and form fields.
    pub fn name(self) -> &'static str {
        match self {
            Field::ExternalId => "external_id",
            Field::Subject => "subject",
            Field::Body => "body",
            Field::CustomerRef => "customer_ref",
            Field::CustomerName => "customer_name",
            Field::CustomerEmail => "customer_email",
            Field::Product => "product",
            Field::ProductLine => "product_line",
            Field::Channel => "channel",
            Field::Priority => "priority",
            Field::Status => "status",
            Field::Category => "category",
            Field::Language => "language",
            Field::CreatedAt => "created_at",
            Field::FirstResponseAt => "first_response_at",
            Field::ResolvedAt => "resolved_at",
            Field::Csat => "csat",
            Field::AgentReply => "agent_reply",
            Field::Agent => "agent",
            Field::ThreadId => "thread_id",
            Field::Sentiment => "sentiment",
            Field::Escalate => "escalate",
        }
    }

    /// What a person reads on the mapping screen.
    pub fn label(self) -> &'static str {
        match self {
            Field::ExternalId => "Ticket id",
            Field::Subject => "Subject",
            Field::Body => "Message text",
            Field::CustomerRef => "Customer id",
            Field::CustomerName => "Customer name",
            Field::CustomerEmail => "Customer e-mail",
            Field::Product => "Product",
            Field::ProductLine => "Product line",
            Field::Channel => "Channel",
            Field::Priority => "Priority",
            Field::Status => "Status",
            Field::Category => "Category label",
            Field::Language => "Language",
            Field::CreatedAt => "Created at",
            Field::FirstResponseAt => "First response at",
            Field::ResolvedAt => "Resolved at",
            Field::Csat => "Satisfaction (1–5)",
            Field::AgentReply => "Agent reply",
            Field::Agent => "Agent",
            Field::ThreadId => "Thread (parent ticket id)",
            Field::Sentiment => "Sentiment label",
            Field::Escalate => "Escalation label",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        let n = name.trim().to_ascii_lowercase();
        Field::ALL.into_iter().find(|f| f.name() == n)
    }

    pub fn kind(self) -> FieldKind {
        match self {
            Field::ExternalId | Field::CustomerRef | Field::ThreadId => FieldKind::Id,
            Field::Subject | Field::Product | Field::ProductLine | Field::Category => {
                FieldKind::ShortText
            }
            Field::Language => FieldKind::ShortText,
            Field::Body | Field::AgentReply => FieldKind::LongText,
            Field::CustomerEmail => FieldKind::Email,
            Field::Channel | Field::Priority | Field::Status | Field::Sentiment => {
                FieldKind::Vocabulary
            }
            Field::CreatedAt | Field::FirstResponseAt | Field::ResolvedAt => FieldKind::Time,
            Field::Csat => FieldKind::Rating,
            Field::Escalate => FieldKind::Flag,
            Field::CustomerName | Field::Agent => FieldKind::Name,
        }
    }

    /// The values a vocabulary field takes (empty for free fields).
    pub fn vocabulary(self) -> &'static [&'static str] {
        match self {
            Field::Channel => &["email", "chat", "phone", "social", "web"],
            Field::Priority => &["low", "medium", "high", "urgent"],
            Field::Status => &["open", "pending", "resolved", "closed"],
            Field::Sentiment => &["negative", "neutral", "positive"],
            Field::Escalate => &["true", "false"],
            _ => &[],
        }
    }

    /// Whether a value is one TicketLens reads for this field (by its own spellings).
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Field::Channel => Channel::parse(value).is_some(),
            Field::Priority => Priority::parse(value).is_some(),
            Field::Status => Status::parse(value).is_some(),
            Field::Sentiment => SentimentLabel::parse(value).is_some(),
            Field::Escalate => parse_flag(value).is_some(),
            _ => true,
        }
    }

    /// Whether a value map applies to this field.
    pub fn has_vocabulary(self) -> bool {
        !self.vocabulary().is_empty()
    }
}

/// Reads yes/no spellings.
pub fn parse_flag(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" | "escalated" | "escalate" => Some(true),
        "false" | "no" | "n" | "0" | "f" | "not escalated" => Some(false),
        _ => None,
    }
}
