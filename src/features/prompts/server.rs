//! Server-side assembly of the Prompts page: versions with their F1, diffs, trying a version.

use super::*;
use crate::domain::role::CurrentUser;
use crate::domain::{EngineKind, SentimentLabel};
use crate::error::AppError;
use crate::server::pipeline::sentiment::engine::{self, TASK};
use crate::server::pipeline::sentiment::{lexicon, load};
use crate::server::state::AppState;
use crate::server::{db, llm};
use similar::{ChangeTag, TextDiff};

pub async fn overview(
    state: &AppState,
    diff: Option<(i64, i64)>,
) -> anyhow::Result<PromptsOverview> {
    let pool = &state.pool;
    let f1: Vec<(i64, f64, i64)> = db::evaluations::prompt_f1(pool).await?;
    let active = engine::active_choice(pool).await?;
    let rows = db::prompts::list(pool, engine::TASK).await?;
    let versions: Vec<PromptVersion> = rows
        .iter()
        .map(|p| PromptVersion {
            id: p.id,
            version: p.version,
            template: p.template.clone(),
            note: p.note.clone(),
            created_at: p.created_at,
            macro_f1: f1.iter().find(|(id, _, _)| *id == p.id).map(|(_, f, _)| *f),
            active: active.kind == EngineKind::Llm && active.prompt_id == Some(p.id),
        })
        .collect();
    let diff = diff.and_then(|(a, b)| {
        let (x, y) = (
            rows.iter().find(|p| p.id == a)?,
            rows.iter().find(|p| p.id == b)?,
        );
        let (old, new) = if x.version <= y.version {
            (x, y)
        } else {
            (y, x)
        };
        Some((
            old.version,
            new.version,
            diff_lines(&old.template, &new.template),
        ))
    });
    let examples = db::prompts::examples(pool, engine::TASK)
        .await?
        .into_iter()
        .map(|e| Example {
            id: e.id,
            text: e.text,
            label: e.label,
            source_run_id: e.source_run_id,
            retired: e.retired_at.is_some(),
        })
        .collect();
    Ok(PromptsOverview {
        versions,
        examples,
        diff,
        llm: state.jobs.llm.as_ref().map(|c| c.describe()),
        default_template: rows
            .first()
            .map(|p| p.template.clone())
            .unwrap_or_else(|| llm::prompt::DEFAULT_SENTIMENT_TEMPLATE.to_string()),
    })
}

/// Line diff of two templates.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            },
            text: c.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

/// Renders the version with the active examples and, with a provider configured, sends it.
/// `prompt_id` None means the built-in template.
pub async fn try_prompt(
    state: &AppState,
    prompt_id: Option<i64>,
    text: String,
) -> anyhow::Result<TryResult> {
    let rendered = load::render_prompt(&state.pool, prompt_id).await?;
    let Some(client) = state.jobs.llm.clone() else {
        let offline = lexicon::sentiment(&text);
        return Ok(TryResult {
            rendered: rendered.instructions,
            request: None,
            reply: None,
            label: Some(offline.label.as_str().to_string()),
            score: Some(offline.score),
            note: "No LLM provider is configured, so nothing was sent; the label shown is the \
                   lexicon's. Set TICKETLENS_LLM_PROVIDER to try the prompt on a model."
                .into(),
        });
    };
    let task = engine::classify_task(&rendered.instructions, &[text]);
    match client.classify(&task).await {
        Ok(outcome) => {
            let exchange = outcome.exchanges.last();
            let first = outcome.results.first();
            Ok(TryResult {
                rendered: rendered.instructions,
                request: exchange
                    .map(|e| serde_json::to_string_pretty(&e.request).unwrap_or_default()),
                reply: exchange.map(|e| e.reply.clone()),
                label: first.map(|r| r.label.clone()),
                score: first.map(|r| r.score as f32),
                note: format!(
                    "{} tokens in, {} out, {} ms.",
                    outcome.usage.prompt_tokens,
                    outcome.usage.completion_tokens,
                    outcome.usage.latency_ms
                ),
            })
        }
        Err(e) => Ok(TryResult {
            rendered: rendered.instructions,
            request: None,
            reply: None,
            label: None,
            score: None,
            note: format!("The provider failed: {e}"),
        }),
    }
}

/// Stores a new prompt version (versions are never edited).
pub async fn create_prompt(
    state: &AppState,
    user: &CurrentUser,
    template: String,
    note: String,
) -> Result<(), AppError> {
    let template =
        AppError::check_text(&template, 20_000, "A prompt needs 1 to 20,000 characters.")?;
    let (_, version) =
        db::prompts::insert(&state.pool, TASK, template, note.trim(), Some(user.id)).await?;
    tracing::info!(admin = %user.email, version, "prompt version created");
    redirect_ok(&format!(
        "Saved prompt version {version}. Evaluate it before making it active."
    ));
    Ok(())
}

/// Adds a few-shot example (from the form, or from a misclassified item of a run).
pub async fn add_example(
    state: &AppState,
    user: &CurrentUser,
    text: String,
    label: String,
    source_run_id: Option<i64>,
) -> Result<(), AppError> {
    let label =
        SentimentLabel::parse(&label).ok_or_else(|| AppError::Invalid("Unknown label.".into()))?;
    let text = example_text(&text)?;
    let pool = &state.pool;
    db::prompts::add_example(
        pool,
        TASK,
        text,
        label.as_str(),
        source_run_id,
        Some(user.id),
    )
    .await?;
    match source_run_id {
        Some(run) => leptos_axum::redirect(&format!(
            "/evaluation/runs/{run}?ok={}",
            crate::domain::url::encode("Added as a few-shot example.")
        )),
        None => redirect_ok("Example added."),
    }
    Ok(())
}

/// Changes the text or label of a few-shot example.
pub async fn edit_example(
    state: &AppState,
    id: i64,
    text: String,
    label: String,
) -> Result<(), AppError> {
    let label =
        SentimentLabel::parse(&label).ok_or_else(|| AppError::Invalid("Unknown label.".into()))?;
    let text = example_text(&text)?;
    if !db::prompts::edit_example(&state.pool, id, text, label.as_str()).await? {
        return Err(AppError::NotFound);
    }
    redirect_ok("Example saved.");
    Ok(())
}

/// A few-shot example's text, trimmed, or why it is refused.
fn example_text(text: &str) -> Result<&str, AppError> {
    let text = AppError::check_text(text, 5_000, "An example needs 1 to 5,000 characters.")?;
    Ok(text)
}

pub fn redirect_ok(message: &str) {
    leptos_axum::redirect(&format!(
        "/prompts?ok={}",
        crate::domain::url::encode(message)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_added_and_removed_lines() {
        let lines = diff_lines("a\nb\nc\n", "a\nc\nd\n");
        let tags: String = lines.iter().map(|l| l.tag).collect();
        assert_eq!(tags, " - +");
        assert_eq!(lines[1].text, "b");
        assert_eq!(lines[3].text, "d");
    }
}
