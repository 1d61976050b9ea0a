//! The Evaluation area: labelled sets, trained models, evaluation runs with their metrics and confusion matrices, comparisons, and the choice of the active sentiment engine.

pub mod api;
pub mod compare;
pub mod page;
pub mod run;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sets;
pub mod training;

use crate::domain::EngineChoice;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: i64,
    pub set_name: String,
    pub engine: String,
    pub engine_version: String,
    pub status: String,
    pub total: i32,
    pub completed: i32,
    pub accuracy: Option<f64>,
    pub macro_f1: Option<f64>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetSummary {
    pub id: i64,
    pub name: String,
    pub origin: String,
    pub items: i64,
    pub negative: i64,
    pub neutral: i64,
    pub positive: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub id: i64,
    pub version: i32,
    pub set_name: String,
    pub features: String,
    pub train_size: i32,
    pub macro_f1: Option<f64>,
    pub created_at: DateTime<Utc>,
    /// The learning curve as SVG (newest model only).
    pub curve_svg: Option<String>,
}

/// A choice an admin can activate, with the best macro-F1 it reached (None: never evaluated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineOption {
    pub value: String,
    pub label: String,
    pub macro_f1: Option<f64>,
    /// How it fares against the active engine on a set both were evaluated on.
    pub versus: Option<Versus>,
}

/// A candidate's and the active engine's macro-F1 on the newest gold set both have a finished
/// run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Versus {
    pub set_name: String,
    pub candidate: f64,
    pub active: f64,
}

impl Versus {
    /// Worse by more than rounding.
    pub fn worse(&self) -> bool {
        self.candidate + 1e-9 < self.active
    }

    /// One sentence for the page: "macro-F1 0.412 on Demo, below the active engine's 0.587".
    pub fn sentence(&self, label: &str) -> String {
        format!(
            "{label} scores macro-F1 {:.3} on {}, below the active engine's {:.3}.",
            self.candidate, self.set_name, self.active
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationOverview {
    pub runs: Vec<RunSummary>,
    pub sets: Vec<SetSummary>,
    pub models: Vec<ModelSummary>,
    pub options: Vec<EngineOption>,
    pub active: String,
    pub llm: Option<String>,
    pub can_tune: bool,
    /// Ticket analysis jobs: queued, done, failed.
    pub analysis: (i64, i64, i64),
    /// The latest rescore of stored tickets after an activation.
    pub rescore: Option<Rescore>,
}

/// Stored tickets and messages moving to the active engine's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rescore {
    pub version: String,
    pub done: i64,
    pub total: i64,
    pub finished: bool,
}

impl Rescore {
    pub fn sentence(&self) -> String {
        if self.finished {
            format!(
                "Stored tickets and messages rescored with {}: {}.",
                self.version, self.done
            )
        } else {
            format!(
                "Rescoring stored tickets and messages with {}, newest first: {} of {}.",
                self.version, self.done, self.total
            )
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Miss {
    pub item_id: i64,
    pub text: String,
    pub gold: String,
    pub predicted: String,
    pub score: f32,
    /// The words behind the prediction (lexicon and local engines).
    pub evidence: Vec<crate::domain::ticket_view::Evidence>,
    /// The LLM's one-sentence reason.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDetail {
    pub summary: RunSummary,
    pub classes: Vec<crate::domain::metrics::ClassMetrics>,
    pub weighted_f1: Option<f64>,
    /// On the follow-up messages alone: (items, accuracy, macro-F1).
    pub follow_ups: Option<(u64, f64, f64)>,
    pub confusion_svg: Option<String>,
    pub normalised_svg: Option<String>,
    pub latency_ms: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub fallbacks: i32,
    pub misclassified: Vec<Miss>,
    pub can_tune: bool,
    /// Other finished runs on the same set, to compare with.
    pub peers: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassDeltaRow {
    pub label: String,
    pub f1_a: f64,
    pub f1_b: f64,
    pub precision_delta: f64,
    pub recall_delta: f64,
    pub f1_delta: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedItem {
    pub item_id: i64,
    pub text: String,
    pub gold: String,
    pub a: String,
    pub b: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub a: RunSummary,
    pub b: RunSummary,
    pub classes: Vec<ClassDeltaRow>,
    pub changed: Vec<ChangedItem>,
    pub changed_total: usize,
}

/// Encodes an engine choice as one form value: `lexicon`, `local:ID`, `llm:PROMPT_ID`, `llm`.
pub fn choice_value(c: &EngineChoice) -> String {
    match (c.model_id, c.prompt_id) {
        (Some(id), _) => format!("{}:{id}", c.kind),
        (_, Some(id)) => format!("{}:{id}", c.kind),
        _ => c.kind.to_string(),
    }
}

/// Parses a form value made by [`choice_value`].
pub fn parse_choice(value: &str) -> Option<EngineChoice> {
    use crate::domain::EngineKind;
    let (kind, id) = match value.split_once(':') {
        Some((k, id)) => (k, Some(id.parse::<i64>().ok()?)),
        None => (value, None),
    };
    let kind = EngineKind::parse(kind)?;
    Some(EngineChoice {
        kind,
        model_id: id.filter(|_| kind == EngineKind::Local),
        prompt_id: id.filter(|_| kind == EngineKind::Llm),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EngineKind;

    #[test]
    fn engine_choices_round_trip_through_form_values() {
        for value in ["lexicon", "local:7", "llm:3", "llm"] {
            let choice = parse_choice(value).unwrap();
            assert_eq!(choice_value(&choice), value);
        }
        assert_eq!(parse_choice("local:7").unwrap().kind, EngineKind::Local);
        assert_eq!(parse_choice("local:x"), None);
        assert_eq!(parse_choice("bert"), None);
    }
}
