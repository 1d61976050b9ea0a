//! Which sentiment engine produced a result or should produce the next ones.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The three kinds of sentiment engine an admin can choose between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// Valence lexicon with rules; no training.
    Lexicon,
    /// Logistic regression trained on a labelled set.
    Local,
    /// A prompted LLM with few-shot examples.
    Llm,
}

impl EngineKind {
    pub const ALL: &'static [EngineKind] =
        &[EngineKind::Lexicon, EngineKind::Local, EngineKind::Llm];

    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Lexicon => "lexicon",
            EngineKind::Local => "local",
            EngineKind::Llm => "llm",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == text.trim().to_ascii_lowercase())
    }

    /// How the engine is named on pages.
    pub fn title(self) -> &'static str {
        match self {
            EngineKind::Lexicon => "Lexicon baseline",
            EngineKind::Local => "Local trained model",
            EngineKind::Llm => "LLM few-shot",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// An engine with the exact model or prompt version to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineChoice {
    pub kind: EngineKind,
    /// `sentiment_models.id`, for the local engine.
    pub model_id: Option<i64>,
    /// `prompts.id`, for the LLM engine.
    pub prompt_id: Option<i64>,
}

impl EngineChoice {
    pub const LEXICON: EngineChoice = EngineChoice {
        kind: EngineKind::Lexicon,
        model_id: None,
        prompt_id: None,
    };

    /// A local model version.
    pub fn local(model_id: i64) -> EngineChoice {
        EngineChoice {
            kind: EngineKind::Local,
            model_id: Some(model_id),
            prompt_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_by_its_name() {
        for kind in EngineKind::ALL {
            assert_eq!(EngineKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(EngineKind::parse(" LLM "), Some(EngineKind::Llm));
        assert_eq!(EngineKind::parse("bert"), None);
    }
}
