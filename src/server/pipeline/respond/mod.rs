//! Drafts a reply to a ticket: the category's template, the template plus a passage of the closest resolved reply, or an LLM.

mod llm;
pub mod passage;
pub mod send;
pub mod thread;

pub use llm::{fill_slots, llm_draft};

pub use crate::domain::draft::Draft;
use crate::domain::draft::{DraftMethod, DraftSource};
use crate::domain::template::Template;
use crate::domain::template::TemplateVersion;
use crate::server::db::prompts::PromptRow;
use crate::server::db::similar::SimilarTicket;
use crate::server::db::templates::TicketFacts;
use crate::server::llm::LlmClient;
use anyhow::Context;

/// A resolved reply is used only when its ticket is at least this similar (cosine).
pub const MIN_SIMILARITY: f64 = 0.5;

/// Who signs a draft no agent has touched yet.
pub const TEAM_SIGNATURE: &str = "The support team";

/// One of the customer's other tickets, for the LLM's context.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    pub subject: String,
    pub status: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Everything a draft may use.
#[derive(Debug, Clone)]
pub struct DraftInput {
    pub facts: TicketFacts,
    pub body: String,
    /// The template for the ticket's category (or the `*` fallback).
    pub template: TemplateVersion,
    /// Resolved tickets nearest first.
    pub similar: Vec<SimilarTicket>,
    pub history: Vec<HistoryLine>,
    /// The name that signs the reply.
    pub agent: String,
    /// The conversation, oldest first, trimmed to [`thread::BUDGET`].
    pub thread: String,
    /// The customer's latest message (the opening one when there is no other).
    pub latest: String,
}

/// Fills `template` from a ticket's facts and the customer's latest message, signed by `agent`.
pub fn fill(template: &Template, facts: &TicketFacts, latest: &str, agent: &str) -> String {
    template.render(|name| match name {
        "latest_message" => Some(latest.to_string()),
        "customer_name" => facts.customer_name.clone(),
        "product" => facts.product.clone(),
        "ticket_id" => Some(facts.id.to_string()),
        "agent_name" => Some(agent.to_string()),
        "category" => facts.category.clone(),
        "subject" => Some(facts.subject.clone()),
        _ => None,
    })
}

impl DraftInput {
    /// The ticket's category template, filled.
    fn filled_template(&self) -> anyhow::Result<String> {
        let template = Template::parse(&self.template.body).with_context(|| {
            format!(
                "the stored \"{}\" template v{} is invalid",
                self.template.category, self.template.version
            )
        })?;
        Ok(fill(&template, &self.facts, &self.latest, &self.agent))
    }

    fn template_version(&self) -> String {
        format!(
            "template {} v{}",
            self.template.category, self.template.version
        )
    }

    fn template_source(&self) -> DraftSource {
        DraftSource {
            kind: "template".into(),
            id: Some(self.template.id),
            label: self.template_version(),
            similarity: None,
            passage: None,
        }
    }

    fn ticket_text(&self) -> String {
        format!("{}\n{}", self.facts.subject, self.body)
    }
}

/// Method 1: the category's template, filled with the ticket's facts.
pub fn template_draft(input: &DraftInput) -> anyhow::Result<Draft> {
    Ok(Draft {
        method: DraftMethod::Template,
        version: input.template_version(),
        body: input.filled_template()?,
        sources: vec![input.template_source()],
        fallback: None,
    })
}

/// Method 2: the filled template with the most relevant passage of the closest resolved reply
/// set in before its closing paragraph. With no resolved ticket similar enough, the plain
/// template, saying why.
pub fn retrieval_draft(input: &DraftInput) -> anyhow::Result<Draft> {
    let filled = input.filled_template()?;
    let ticket = input.ticket_text();
    let found = input
        .similar
        .iter()
        .filter(|s| s.similarity >= MIN_SIMILARITY)
        .find_map(|s| {
            let reply = s.reply.as_deref()?;
            passage::best_passage(reply, &ticket).map(|p| (s, p))
        });
    let Some((ticket_used, passage)) = found else {
        let best = input.similar.first().map(|s| s.similarity);
        let mut draft = template_draft(input)?;
        draft.fallback = Some(match best {
            Some(b) => format!(
                "No resolved reply was close enough to reuse (best similarity {b:.2}, needs {MIN_SIMILARITY:.2}); the template alone is shown."
            ),
            None => "No similar resolved ticket yet; the template alone is shown.".into(),
        });
        return Ok(draft);
    };
    Ok(Draft {
        method: DraftMethod::Retrieval,
        version: format!("{} + retrieval", input.template_version()),
        body: insert_before_closing(&filled, &passage),
        sources: vec![
            input.template_source(),
            DraftSource {
                kind: "ticket".into(),
                id: Some(ticket_used.id),
                label: format!("#{} {}", ticket_used.id, ticket_used.subject),
                similarity: Some(ticket_used.similarity as f32),
                passage: Some(passage),
            },
        ],
        fallback: None,
    })
}

/// Puts `paragraph` before the last paragraph of `text` (its sign-off), or after a one-paragraph text.
fn insert_before_closing(text: &str, paragraph: &str) -> String {
    let trimmed = text.trim_end();
    match trimmed.rfind("\n\n") {
        Some(at) => format!(
            "{}\n\n{}\n\n{}",
            trimmed[..at].trim_end(),
            paragraph,
            trimmed[at..].trim_start()
        ),
        None => format!("{trimmed}\n\n{paragraph}"),
    }
}

/// Drafts by `method`. An LLM draft without a configured client, or whose call failed after its
/// retries, falls back to retrieval and records why; the failure is logged.
pub async fn compose(
    method: DraftMethod,
    llm: Option<(&LlmClient, &PromptRow)>,
    input: &DraftInput,
) -> anyhow::Result<Draft> {
    match method {
        DraftMethod::Template => template_draft(input),
        DraftMethod::Retrieval => retrieval_draft(input),
        DraftMethod::Llm => {
            let why = match llm {
                None => "No LLM is configured; drafted by retrieval instead.".to_string(),
                Some((client, prompt)) => match llm_draft(client, prompt, input).await {
                    Ok(draft) => return Ok(draft),
                    Err(e) => {
                        tracing::warn!(error = %e, ticket_id = input.facts.id, "LLM draft failed; using retrieval");
                        format!("The LLM draft failed ({e}); drafted by retrieval instead.")
                    }
                },
            };
            let mut draft = retrieval_draft(input)?;
            draft.fallback = Some(match draft.fallback.take() {
                Some(more) => format!("{why} {more}"),
                None => why,
            });
            Ok(draft)
        }
    }
}

#[cfg(test)]
mod tests;
