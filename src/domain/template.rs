//! Reply templates: `{{variable}}` placeholders, checked against the known variables when a
//! template is saved (never at send time), and filled from a ticket with fallbacks.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One version of a category's reply template, as stored and as the Templates page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TemplateVersion {
    pub id: i64,
    pub category: String,
    pub version: i32,
    pub body: String,
    pub note: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub author: Option<String>,
}

/// The variables a template may use, with what each is filled with when the ticket lacks it.
pub const VARIABLES: [(&str, &str); 7] = [
    ("customer_name", "there"),
    ("product", "your product"),
    ("ticket_id", ""),
    ("agent_name", "the support team"),
    ("category", "your request"),
    ("subject", "your request"),
    ("latest_message", "your message"),
];

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Piece {
    Text(String),
    Variable(String),
}

/// A template that passed validation: text and known variables only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// Why a template was refused, with the 1-based line and column of the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    Empty,
    Unclosed {
        line: usize,
        column: usize,
    },
    EmptyVariable {
        line: usize,
        column: usize,
    },
    Unknown {
        name: String,
        line: usize,
        column: usize,
    },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Empty => write!(f, "The template is empty."),
            TemplateError::Unclosed { line, column } => {
                write!(
                    f,
                    "Line {line}, column {column}: \"{{{{\" is never closed with \"}}}}\"."
                )
            }
            TemplateError::EmptyVariable { line, column } => {
                write!(
                    f,
                    "Line {line}, column {column}: \"{{{{}}}}\" names no variable."
                )
            }
            TemplateError::Unknown { name, line, column } => write!(
                f,
                "Line {line}, column {column}: unknown variable {{{{{name}}}}}. Known: {}.",
                VARIABLES
                    .iter()
                    .map(|(v, _)| *v)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

/// Line and column (1-based, in characters) of byte offset `at` in `text`.
fn position(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Template {
    /// Parses and validates `text`: every `{{ name }}` must name a known variable.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        if text.trim().is_empty() {
            return Err(TemplateError::Empty);
        }
        let mut pieces = Vec::new();
        let mut rest = 0;
        while let Some(open) = text[rest..].find("{{").map(|i| i + rest) {
            if open > rest {
                pieces.push(Piece::Text(text[rest..open].to_string()));
            }
            let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
                let (line, column) = position(text, open);
                return Err(TemplateError::Unclosed { line, column });
            };
            let name = text[open + 2..close].trim();
            let (line, column) = position(text, open);
            if name.is_empty() {
                return Err(TemplateError::EmptyVariable { line, column });
            }
            if !VARIABLES.iter().any(|(v, _)| *v == name) {
                return Err(TemplateError::Unknown {
                    name: name.to_string(),
                    line,
                    column,
                });
            }
            pieces.push(Piece::Variable(name.to_string()));
            rest = close + 2;
        }
        if rest < text.len() {
            pieces.push(Piece::Text(text[rest..].to_string()));
        }
        Ok(Template { pieces })
    }

    /// The variables used, in order of first use.
    pub fn variables(&self) -> Vec<&str> {
        let mut used: Vec<&str> = Vec::new();
        for p in &self.pieces {
            if let Piece::Variable(v) = p {
                if !used.contains(&v.as_str()) {
                    used.push(v);
                }
            }
        }
        used
    }

    /// Fills the template: `value(name)` gives a variable's value, `None` or blank means the
    /// ticket lacks it and the variable's fallback is used.
    pub fn render(&self, value: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Variable(v) => match value(v).filter(|s| !s.trim().is_empty()) {
                    Some(s) => out.push_str(s.trim()),
                    None => out.push_str(
                        VARIABLES
                            .iter()
                            .find(|(name, _)| name == v)
                            .map_or("", |(_, fallback)| fallback),
                    ),
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_variables_are_filled_and_missing_ones_fall_back() {
        let t = Template::parse(
            "Hi {{customer_name}},\nabout your {{ product }} (#{{ticket_id}}) — {{agent_name}}",
        )
        .unwrap();
        assert_eq!(
            t.variables(),
            ["customer_name", "product", "ticket_id", "agent_name"]
        );
        let filled = t.render(|v| match v {
            "customer_name" => Some("Ana".into()),
            "product" => Some("  ".into()),
            "ticket_id" => Some("42".into()),
            _ => None,
        });
        assert_eq!(
            filled,
            "Hi Ana,\nabout your your product (#42) — the support team"
        );
    }

    #[test]
    fn unknown_unclosed_and_empty_placeholders_are_refused_with_their_place() {
        let e = Template::parse("Hello\n  dear {{ customer }}!").unwrap_err();
        assert_eq!(
            e,
            TemplateError::Unknown {
                name: "customer".into(),
                line: 2,
                column: 8
            }
        );
        assert!(
            e.to_string().contains("Known: customer_name, product"),
            "{e}"
        );
        assert_eq!(
            Template::parse("Hi {{customer_name").unwrap_err(),
            TemplateError::Unclosed { line: 1, column: 4 }
        );
        assert_eq!(
            Template::parse("Hi {{ }}").unwrap_err(),
            TemplateError::EmptyVariable { line: 1, column: 4 }
        );
        assert_eq!(Template::parse("  \n").unwrap_err(), TemplateError::Empty);
    }

    #[test]
    fn text_without_placeholders_and_non_ascii_positions() {
        let t = Template::parse("Grüße, wir melden uns.").unwrap();
        assert!(t.variables().is_empty());
        assert_eq!(t.render(|_| None), "Grüße, wir melden uns.");
        let e = Template::parse("Grüße {{x}}").unwrap_err();
        assert_eq!(
            e,
            TemplateError::Unknown {
                name: "x".into(),
                line: 1,
                column: 7
            }
        );
        // A lone closing brace pair is plain text.
        assert_eq!(
            Template::parse("a }} b").unwrap().render(|_| None),
            "a }} b"
        );
    }
}

#[cfg(test)]
#[path = "template_props.rs"]
mod props;
