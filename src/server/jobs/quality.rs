//! The data-quality job: measures one ticket source (gaps, duplicates, placeholders, timestamps) and cross-validates each of its label columns against the text (naive Bayes on words), then stores the report.

use crate::domain::quality::{LabelCheck, QualityReport};
use crate::server::db;
use crate::server::pipeline::predictability;
use sqlx::PgPool;
use std::collections::HashSet;
use std::time::Duration;

pub const CHECK_QUALITY: &str = "check_quality";
/// The label columns checked for predictability.
pub const LABEL_COLUMNS: [&str; 4] = ["category", "priority", "gold_sentiment", "gold_escalate"];
/// Labelled tickets sampled per column; enough to tell a label from noise (the accuracy's
/// standard error is at most 1 point).
pub const MAX_EXAMPLES: i64 = 3000;
/// Fewest labelled tickets a column needs to be checked.
pub const MIN_EXAMPLES: usize = 50;

/// Queues a check of `source` (once, however many imports finish meanwhile).
pub async fn enqueue(db: impl sqlx::PgExecutor<'_>, source: &str) -> sqlx::Result<()> {
    db::jobs::enqueue_again(
        db,
        CHECK_QUALITY,
        &serde_json::json!({ "source": source }),
        &format!("{CHECK_QUALITY}:{source}"),
        Duration::from_secs(2),
    )
    .await
}

/// Checks one source and stores its report.
#[tracing::instrument(skip(pool))]
pub async fn run(pool: &PgPool, source: &str) -> anyhow::Result<QualityReport> {
    let mut report = db::quality::measure(pool, source).await?;
    for column in LABEL_COLUMNS {
        let rows = db::quality::labelled(pool, source, column, MAX_EXAMPLES).await?;
        if rows.is_empty() {
            continue;
        }
        // A text on both sides of a fold would flatter the check: keep each text once.
        let mut seen = HashSet::new();
        let examples: Vec<(String, String)> = rows
            .into_iter()
            .filter(|(text, _)| seen.insert(text.trim().to_lowercase()))
            .collect();
        let mut classes: Vec<&str> = examples.iter().map(|e| e.1.as_str()).collect();
        classes.sort_unstable();
        classes.dedup();
        let classes = classes.len();
        if examples.len() < MIN_EXAMPLES || classes < 2 {
            let why = if classes < 2 {
                "a single value".to_string()
            } else {
                format!("only {} distinct labelled texts", examples.len())
            };
            report.unchecked.push((column.to_string(), why));
            continue;
        }
        let n = examples.len();
        let verdict =
            tokio::task::spawn_blocking(move || predictability::check(&examples, 5, 7)).await?;
        let Some(verdict) = verdict else {
            continue;
        };
        report.labels.push(LabelCheck {
            column: column.to_string(),
            classes,
            examples: n,
            accuracy: verdict.accuracy,
            majority_label: verdict.majority_label,
            majority_rate: verdict.majority_rate,
            has_signal: verdict.has_signal,
        });
    }
    db::quality::store(pool, &report).await?;
    tracing::info!(
        source,
        findings = report.findings().len(),
        "data quality checked"
    );
    Ok(report)
}
