//! Reply drafts as agents see them: how a draft was made, what it was made from, how far the agent changed it.

use serde::{Deserialize, Serialize};

/// How the pipeline drafts replies; the admin picks one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DraftMethod {
    /// The category's template, filled with the ticket's facts.
    Template,
    /// The template plus the most relevant passage of the closest resolved ticket's reply.
    #[default]
    Retrieval,
    /// A versioned prompt with the ticket, the customer's history, similar replies and the template.
    Llm,
}

/// A generated reply and what it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub method: DraftMethod,
    /// What produced it, e.g. "template billing v2" or "prompt v1 · openai:llama3".
    pub version: String,
    pub body: String,
    pub sources: Vec<DraftSource>,
    /// Why the chosen method was not used (an LLM failure, no close resolved ticket).
    pub fallback: Option<String>,
}

/// What agents did with the drafts of one method and version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Acceptance {
    pub method: String,
    pub version: String,
    pub drafted: i64,
    pub pending: i64,
    pub sent_unchanged: i64,
    pub sent_edited: i64,
    pub rejected: i64,
    /// Mean edit distance of sent drafts over their generated length (0 = unchanged).
    pub mean_edit_ratio: Option<f64>,
    pub mean_edit_distance: Option<f64>,
}

/// The pipeline's reply for a ticket as an agent sees it: its pending draft, else the newest one
/// reviewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DraftView {
    pub id: i64,
    pub method: String,
    pub version: String,
    pub body: String,
    pub original_body: Option<String>,
    pub status: String,
    #[cfg_attr(feature = "ssr", sqlx(json))]
    pub sources: Vec<DraftSource>,
    pub fallback: Option<String>,
    pub edit_distance: Option<i32>,
    pub reject_reason: Option<String>,
    pub reviewer: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl DraftMethod {
    pub const ALL: [DraftMethod; 3] = [
        DraftMethod::Template,
        DraftMethod::Retrieval,
        DraftMethod::Llm,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DraftMethod::Template => "template",
            DraftMethod::Retrieval => "retrieval",
            DraftMethod::Llm => "llm",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s.trim())
    }

    /// What the method does, in a few words for the settings form.
    pub fn describe(self) -> &'static str {
        match self {
            DraftMethod::Template => "the category's template, filled",
            DraftMethod::Retrieval => "template + the best passage of the closest resolved reply",
            DraftMethod::Llm => "LLM with the ticket, history, similar replies and template",
        }
    }
}

impl std::fmt::Display for DraftMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a draft was built from, shown under it so the agent can check it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftSource {
    /// `template`, `ticket` (a similar resolved ticket) or `prompt`.
    pub kind: String,
    /// The template, ticket or prompt row.
    pub id: Option<i64>,
    /// e.g. "template billing v2", "#1234 Refund not received".
    pub label: String,
    /// Cosine similarity of a similar ticket to this one.
    pub similarity: Option<f32>,
    /// The passage taken from it, if any.
    pub passage: Option<String>,
}

/// Levenshtein distance in characters (insertions, deletions, substitutions), in O(len(a)·len(b))
/// time and O(len(b)) memory.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Common prefix and suffix cost nothing; trimming them keeps typical edits cheap.
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("flaw", "lawn"), 2);
        assert_eq!(edit_distance("Grüße", "Grüsse"), 2);
        assert_eq!(edit_distance("Hi Ann, thanks!", "Hi Anna, thanks!"), 1);
    }

    #[test]
    fn edit_distance_is_symmetric() {
        for (a, b) in [
            ("refund issued", "the refund was issued"),
            ("x", "yz"),
            ("ab", "ba"),
        ] {
            assert_eq!(edit_distance(a, b), edit_distance(b, a));
        }
    }

    #[test]
    fn methods_round_trip() {
        for m in DraftMethod::ALL {
            assert_eq!(DraftMethod::parse(m.as_str()), Some(m));
        }
        assert_eq!(DraftMethod::parse("gpt"), None);
    }
}
