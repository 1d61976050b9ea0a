//! Method 3: an LLM drafts the reply from a versioned prompt filled with the ticket and its conversation, the customer's history, similar replies and the template.

use super::{Draft, DraftInput, MIN_SIMILARITY};
use crate::domain::draft::{DraftMethod, DraftSource};
use crate::server::db::prompts::PromptRow;
use crate::server::llm::{LlmClient, LlmError};

/// Similar replies given to the model at most.
const REPLIES: usize = 3;

/// The system message; the instructions themselves are the prompt version.
const SYSTEM: &str = "You are a careful customer-support agent. You write replies that a colleague will review before sending.";

/// Replaces each `{{name}}` with `value(name)`; unknown names stay as written. Inserted values
/// are never read as slots themselves.
pub fn fill_slots(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        match value(after[..end].trim()) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + end + 4]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Asks the client for a reply; the draft's sources are the prompt, the template and the
/// similar tickets whose replies were in the prompt.
pub async fn llm_draft(
    client: &LlmClient,
    prompt: &PromptRow,
    input: &DraftInput,
) -> Result<Draft, LlmError> {
    let template = input
        .filled_template()
        .map_err(|e| LlmError::InvalidTask(format!("{e:#}")))?;
    let used: Vec<_> = input
        .similar
        .iter()
        .filter(|s| s.similarity >= MIN_SIMILARITY && s.reply.is_some())
        .take(REPLIES)
        .collect();
    let replies = if used.is_empty() {
        "(none close enough)".to_string()
    } else {
        used.iter()
            .map(|s| {
                format!(
                    "### Ticket #{} \"{}\" (similarity {:.2}, CSAT {})\n{}",
                    s.id,
                    s.subject,
                    s.similarity,
                    s.csat
                        .map(|c| format!("{c}/5"))
                        .unwrap_or_else(|| "unknown".into()),
                    s.reply.as_deref().unwrap_or_default().trim()
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let history = if input.history.is_empty() {
        "(no other tickets)".to_string()
    } else {
        input
            .history
            .iter()
            .map(|h| {
                format!(
                    "- {} [{}] {}",
                    h.created_at.format("%Y-%m-%d"),
                    h.status,
                    h.subject
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let f = &input.facts;
    let text = fill_slots(&prompt.template, |name| match name {
        "agent_name" => Some(input.agent.clone()),
        "ticket_id" => Some(f.id.to_string()),
        "customer_name" => Some(
            f.customer_name
                .clone()
                .unwrap_or_else(|| "the customer".into()),
        ),
        "product" => Some(f.product.clone().unwrap_or_else(|| "their product".into())),
        "category" => Some(f.category.clone().unwrap_or_else(|| "unknown".into())),
        "subject" => Some(f.subject.clone()),
        "body" => Some(input.body.clone()),
        "thread" => Some(input.thread.clone()),
        "history" => Some(history.clone()),
        "replies" => Some(replies.clone()),
        "template" => Some(template.clone()),
        _ => None,
    });
    let completion = client.complete(SYSTEM, &text).await?;
    let mut sources = vec![
        DraftSource {
            kind: "prompt".into(),
            id: Some(prompt.id),
            label: format!("draft prompt v{}", prompt.version),
            similarity: None,
            passage: None,
        },
        input.template_source(),
    ];
    sources.extend(used.iter().map(|s| DraftSource {
        kind: "ticket".into(),
        id: Some(s.id),
        label: format!("#{} {}", s.id, s.subject),
        similarity: Some(s.similarity as f32),
        passage: None,
    }));
    Ok(Draft {
        method: DraftMethod::Llm,
        version: format!("prompt v{} · {}", prompt.version, client.describe()),
        body: completion.text.trim().to_string(),
        sources,
        fallback: None,
    })
}
