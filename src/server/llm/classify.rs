//! Few-shot classification: batches of items, schema-constrained replies, strict validation.

use super::client::LlmClient;
use super::{prompt, ClassifyOutcome, ClassifyTask, LlmError, LlmItem, LlmLabel, ProviderReply};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Requests per batch: the first, plus one retry when the reply is malformed.
const TRIES_PER_BATCH: u32 = 2;

impl LlmClient {
    /// Labels every item, `batch_size` items per request, in input order. A malformed reply is
    /// asked for once more; any other failure ends the job.
    #[tracing::instrument(skip_all, fields(provider = %self.settings().provider, model = %self.settings().model, items = task.items.len()))]
    pub async fn classify(&self, task: &ClassifyTask) -> Result<ClassifyOutcome, LlmError> {
        check_task(task)?;
        let mut outcome = ClassifyOutcome {
            results: Vec::with_capacity(task.items.len()),
            usage: Default::default(),
            exchanges: Vec::new(),
        };
        for chunk in task.items.chunks(self.settings().batch_size.max(1)) {
            let ids: Vec<&str> = chunk.iter().map(|i| i.id.as_str()).collect();
            let schema = self.classify_schema(&ids, &task.labels);
            let user = prompt::items_message(chunk);
            let mut tries = 0;
            loop {
                tries += 1;
                let called = self
                    .call(&task.instructions, &user, Some(schema.clone()), chunk.len())
                    .await?;
                outcome.usage.add(&called.usage());
                outcome.exchanges.extend(called.sent.exchanges);
                match called.reply.and_then(|r| validate(&r, chunk, &task.labels)) {
                    Ok(labels) => {
                        outcome.results.extend(labels);
                        break;
                    }
                    Err(LlmError::Malformed { reason }) if tries < TRIES_PER_BATCH => {
                        tracing::warn!(%reason, "malformed LLM reply; asking once more");
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(outcome)
    }
}

fn check_task(task: &ClassifyTask) -> Result<(), LlmError> {
    if task.labels.is_empty() || task.labels.iter().any(|l| l.trim().is_empty()) {
        return Err(LlmError::InvalidTask("labels must be non-empty".into()));
    }
    let mut seen = HashSet::new();
    if let Some(dup) = task.items.iter().find(|i| !seen.insert(i.id.as_str())) {
        return Err(LlmError::InvalidTask(format!(
            "item id {:?} repeats",
            short(&dup.id)
        )));
    }
    Ok(())
}

/// Characters of a reason kept.
const REASON_CHARS: usize = 300;

/// Checks a reply against the batch: JSON `{"results":[...]}`, each id of the batch exactly
/// once, labels from the set (matched ignoring case), scores clamped to [-1, 1].
pub(crate) fn validate(
    reply: &ProviderReply,
    batch: &[LlmItem],
    labels: &[String],
) -> Result<Vec<LlmLabel>, LlmError> {
    if let Some(reason) = reply.finish_reason.as_deref() {
        if !reason.eq_ignore_ascii_case("stop") {
            return Err(LlmError::malformed(format!(
                "reply ended with finish reason {reason}"
            )));
        }
    }
    let json = strip_fences(&reply.text);
    let value: Value = serde_json::from_str(json)
        .map_err(|e| LlmError::malformed(format!("not JSON ({e}): {:?}", short(json.trim()))))?;
    let entries = value["results"]
        .as_array()
        .ok_or_else(|| LlmError::malformed("no \"results\" array"))?;
    let mut found: HashMap<&str, LlmLabel> = HashMap::with_capacity(batch.len());
    let wanted: HashSet<&str> = batch.iter().map(|i| i.id.as_str()).collect();
    for entry in entries {
        let id = entry["id"]
            .as_str()
            .ok_or_else(|| LlmError::malformed("an entry has no string \"id\""))?;
        let Some(&id) = wanted.get(id) else {
            return Err(LlmError::malformed(format!("unknown id {:?}", short(id))));
        };
        let raw_label = entry["label"].as_str().unwrap_or_default();
        let label = labels
            .iter()
            .find(|l| l.trim().eq_ignore_ascii_case(raw_label.trim()))
            .ok_or_else(|| {
                LlmError::malformed(format!(
                    "id {:?}: label {:?} not allowed",
                    short(id),
                    short(raw_label)
                ))
            })?;
        let score = entry["score"]
            .as_f64()
            .ok_or_else(|| LlmError::malformed(format!("id {:?}: no numeric score", short(id))))?;
        let reason = entry["reason"]
            .as_str()
            .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|r| !r.is_empty())
            .map(|r| r.chars().take(REASON_CHARS).collect());
        let result = LlmLabel {
            id: id.to_string(),
            label: label.clone(),
            score: score.clamp(-1.0, 1.0),
            reason,
        };
        if found.insert(id, result).is_some() {
            return Err(LlmError::malformed(format!(
                "id {:?} answered twice",
                short(id)
            )));
        }
    }
    let missing: Vec<&str> = batch
        .iter()
        .map(|i| i.id.as_str())
        .filter(|id| !found.contains_key(id))
        .collect();
    if let Some(first) = missing.first() {
        return Err(LlmError::malformed(format!(
            "{} id(s) missing, first {:?}",
            missing.len(),
            short(first)
        )));
    }
    Ok(batch
        .iter()
        .filter_map(|i| found.remove(i.id.as_str()))
        .collect())
}

/// Drops a Markdown code fence some models put around JSON even when told not to.
fn strip_fences(text: &str) -> &str {
    let t = text.trim();
    let Some(inner) = t.strip_prefix("```") else {
        return t;
    };
    let inner = inner.strip_suffix("```").unwrap_or(inner);
    match inner.find('\n') {
        Some(newline) => inner[newline + 1..].trim(),
        None => inner.trim(),
    }
}

/// At most 40 characters, for error messages.
fn short(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
