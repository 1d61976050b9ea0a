//! A fresh install's first sentiment model: tuned on the demo's labels in the background, made active only when it beats the lexicon on held-out demo tickets.

use super::{runs, JobContext, TRAIN};
use crate::domain::metrics::Metrics;
use crate::domain::EngineChoice;
use crate::server::db;
use crate::server::db::labelled::Item;
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::{class_index, lexicon};
use serde_json::json;
use sqlx::PgPool;

/// The labelled set the first model learns from.
pub const SET_NAME: &str = "Demo labels";
/// Demo tickets in that set: a fifth of them are held out to decide.
const LABELS: i64 = 600;

/// Builds the set from the demo tickets' labels and queues its tuning (once per database).
/// `pairs` overrides the recipe's tuning pairs.
pub async fn enqueue(pool: &PgPool, pairs: Option<usize>) -> anyhow::Result<()> {
    let set_id = db::labelled::ensure(pool, SET_NAME, "tickets", None).await?;
    db::labelled::add_from_tickets(pool, set_id, LABELS, None).await?;
    let set = db::labelled::get(pool, set_id).await?;
    if !set.is_some_and(|s| s.negative > 0 && s.neutral > 0 && s.positive > 0) {
        tracing::info!("the demo labels lack a class; the lexicon stays the sentiment engine");
        return Ok(());
    }
    db::jobs::enqueue(
        pool,
        TRAIN,
        &json!({ "set_id": set_id, "features": "tuned", "pairs": pairs, "auto_activate": true }),
        Some("train_model:demo"),
    )
    .await?;
    Ok(())
}

/// After the first model is stored: queues the lexicon's evaluation run on the same set (so the
/// page shows both), and makes the model active when its macro-F1 on the held-out items beats
/// the lexicon's and no admin has chosen an engine yet. Returns the sentence for the page.
pub async fn decide(
    ctx: &JobContext,
    set_id: i64,
    model_id: i64,
    version: i32,
    test: &[&Item],
    model: &Metrics,
) -> anyhow::Result<String> {
    let (gold, predicted): (Vec<usize>, Vec<usize>) = test
        .iter()
        .filter_map(|i| {
            let gold = crate::domain::SentimentLabel::parse(&i.label)?;
            Some((
                class_index(gold),
                class_index(lexicon::sentiment(&i.text).label),
            ))
        })
        .unzip();
    let lexicon = Metrics::compute(&sets::class_names(), &gold, &predicted);
    if let Err(e) = runs::start(ctx, set_id, EngineChoice::LEXICON, None).await {
        // The decision stands without the page's side-by-side run.
        tracing::warn!(error = %e, "the lexicon's run on the demo labels was not queued");
    }
    let measured = format!(
        "v{version}: macro-F1 {:.3} on {} held-out demo tickets, the lexicon {:.3}",
        model.macro_f1,
        test.len(),
        lexicon.macro_f1
    );
    if model.macro_f1 <= lexicon.macro_f1 {
        return Ok(format!("{measured}; the lexicon stays active."));
    }
    let choice = EngineChoice::local(model_id);
    if !db::app_settings::set_if_absent(&ctx.pool, db::app_settings::ACTIVE_SENTIMENT, &choice)
        .await?
    {
        return Ok(format!(
            "{measured}; an engine was already chosen, so it stays."
        ));
    }
    super::rescore::enqueue(&ctx.pool).await?;
    tracing::info!(model_id, version, "the first local model is active");
    Ok(format!(
        "{measured}; made active, stored tickets are being rescored."
    ))
}
