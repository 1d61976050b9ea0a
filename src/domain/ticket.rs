//! The closed vocabularies of a ticket (channel, priority, status, sentiment) and their lenient parsers.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical lower-case name stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// How the customer reached support.
    Channel { Email => "email", Chat => "chat", Phone => "phone", Social => "social", Web => "web" }
);
vocabulary!(
    /// How urgent the ticket is; ordered from least to most urgent.
    Priority { Low => "low", Medium => "medium", High => "high", Urgent => "urgent" }
);
vocabulary!(
    /// Where the ticket is in its life cycle.
    Status { Open => "open", Pending => "pending", Resolved => "resolved", Closed => "closed" }
);
vocabulary!(
    /// The three sentiment classes every engine predicts.
    SentimentLabel { Negative => "negative", Neutral => "neutral", Positive => "positive" }
);

fn key(text: &str) -> String {
    text.trim().to_ascii_lowercase().replace(['_', '-'], " ")
}

impl Channel {
    /// Parses the channel names used by common help desks ("Social media", "E-mail", "twitter").
    pub fn parse(text: &str) -> Option<Self> {
        Some(match key(text).as_str() {
            "email" | "e mail" | "mail" => Channel::Email,
            "chat" | "live chat" | "messenger" => Channel::Chat,
            "phone" | "call" | "voice" | "telephone" => Channel::Phone,
            "social" | "social media" | "twitter" | "facebook" => Channel::Social,
            "web" | "web form" | "portal" | "form" | "api" => Channel::Web,
            _ => return None,
        })
    }
}

impl Priority {
    /// Parses priority names, mapping "critical" and "p1" to urgent.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match key(text).as_str() {
            "low" | "p4" | "minor" => Priority::Low,
            "medium" | "normal" | "p3" | "moderate" => Priority::Medium,
            "high" | "p2" | "major" => Priority::High,
            "urgent" | "critical" | "p1" | "blocker" => Priority::Urgent,
            _ => return None,
        })
    }

    /// A sortable rank: higher is more urgent.
    pub fn rank(self) -> i16 {
        match self {
            Priority::Low => 1,
            Priority::Medium => 2,
            Priority::High => 3,
            Priority::Urgent => 4,
        }
    }
}

impl Status {
    /// Parses status names such as "Pending Customer Response" or "in progress".
    pub fn parse(text: &str) -> Option<Self> {
        let k = key(text);
        Some(match k.as_str() {
            "open" | "new" | "in progress" | "assigned" => Status::Open,
            "resolved" | "solved" | "done" => Status::Resolved,
            "closed" => Status::Closed,
            _ if k.starts_with("pending") || k.starts_with("waiting") || k == "on hold" => {
                Status::Pending
            }
            _ => return None,
        })
    }

    /// Whether the ticket still needs work.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Open | Status::Pending)
    }
}

/// What every sentiment engine returns for one text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sentiment {
    pub label: SentimentLabel,
    /// -1 (most negative) to 1 (most positive).
    pub score: f32,
}

impl SentimentLabel {
    /// Parses "negative"/"neg"/"0" style labels (TweetEval uses 0, 1, 2).
    pub fn parse(text: &str) -> Option<Self> {
        Some(match key(text).as_str() {
            "negative" | "neg" | "0" => SentimentLabel::Negative,
            "neutral" | "neu" | "1" => SentimentLabel::Neutral,
            "positive" | "pos" | "2" => SentimentLabel::Positive,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_help_desk_spellings() {
        assert_eq!(Channel::parse("Social media"), Some(Channel::Social));
        assert_eq!(Channel::parse(" E-mail "), Some(Channel::Email));
        assert_eq!(Priority::parse("Critical"), Some(Priority::Urgent));
        assert_eq!(
            Status::parse("Pending Customer Response"),
            Some(Status::Pending)
        );
        assert_eq!(SentimentLabel::parse("2"), Some(SentimentLabel::Positive));
        assert_eq!(Priority::parse("soonish"), None);
    }

    #[test]
    fn names_round_trip_through_parse() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(*c));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::parse(p.as_str()), Some(*p));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        assert!(Priority::Urgent.rank() > Priority::Low.rank());
    }
}
