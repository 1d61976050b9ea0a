//! Categories in the pipeline: the active model (loaded once per choice and shared by the
//! process's workers), classifying analysed tickets, and re-classifying after a model change.

use super::JobContext;
use crate::server::db;
use crate::server::db::analysis::joined_text;
use crate::server::db::categories::Predicted;
use crate::server::pipeline::category::CategoryModel;
use anyhow::Context;
use sqlx::PgPool;
use std::sync::{Arc, RwLock};

/// Job kind: classify every analysed ticket with a newly active model.
pub const RECATEGORISE: &str = "recategorise";
/// Tickets per page when re-classifying.
const PAGE: i64 = 500;

/// Holds the active model; reloads only when an admin activates another.
#[derive(Default)]
pub struct CategoryBook {
    loaded: RwLock<Option<(i64, Arc<CategoryModel>)>>,
}

impl CategoryBook {
    /// The active model and its id, or None when no model is active.
    pub async fn current(
        &self,
        pool: &PgPool,
    ) -> anyhow::Result<Option<(i64, Arc<CategoryModel>)>> {
        let Some(id) = db::categories::active(pool).await? else {
            return Ok(None);
        };
        let cached = self.loaded.read().ok().and_then(|c| c.clone());
        if let Some(hit) = cached.filter(|(cached_id, _)| *cached_id == id) {
            return Ok(Some(hit));
        }
        let model = load(pool, id).await?;
        tracing::info!(
            model_id = id,
            engine = model.engine.as_str(),
            "category model loaded"
        );
        let entry = (id, Arc::new(model));
        if let Ok(mut slot) = self.loaded.write() {
            *slot = Some(entry.clone());
        }
        Ok(Some(entry))
    }
}

/// Reads a stored model.
pub async fn load(pool: &PgPool, id: i64) -> anyhow::Result<CategoryModel> {
    let json = db::categories::weights(pool, id)
        .await?
        .with_context(|| format!("category model {id} no longer exists"))?;
    serde_json::from_value(json).with_context(|| format!("category model {id} cannot be read"))
}

/// Predicts `(ticket id, text, embedding)` triples.
pub fn classify(
    model: &CategoryModel,
    tickets: &[(i64, String, Option<Vec<f32>>)],
) -> anyhow::Result<Vec<Predicted>> {
    tickets
        .iter()
        .map(|(id, text, embedding)| {
            let p = model
                .predict(text, embedding.as_deref())
                .with_context(|| format!("ticket {id}"))?;
            Ok(Predicted {
                ticket_id: *id,
                category: p.label,
                confidence: p.confidence,
            })
        })
        .collect()
}

/// Classifies every analysed ticket that `model_id` has not classified yet; returns how many.
/// Safe to re-run after a crash: finished pages are skipped.
pub async fn reclassify(ctx: &JobContext, model_id: i64) -> anyhow::Result<u64> {
    let model = Arc::new(load(&ctx.pool, model_id).await?);
    let mut after = 0;
    let mut done = 0;
    loop {
        let page = db::categories::unclassified(&ctx.pool, model_id, after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.0;
        let mut tickets = Vec::with_capacity(page.len());
        for (id, subject, body, embedding) in page {
            tickets.push((
                id,
                joined_text(&subject, &body),
                embedding.map(|v| v.to_vec()),
            ));
        }
        if model.engine.needs_embeddings() {
            // Tickets analysed before their embedding was stored get one now.
            let missing: Vec<usize> = (0..tickets.len())
                .filter(|&i| tickets[i].2.is_none())
                .collect();
            if !missing.is_empty() {
                let texts = missing.iter().map(|&i| tickets[i].1.clone()).collect();
                let vectors = super::embed(&ctx.embedder, texts).await?;
                for (i, v) in missing.into_iter().zip(vectors) {
                    tickets[i].2 = Some(v);
                }
            }
        }
        let m = model.clone();
        let predicted = tokio::task::spawn_blocking(move || classify(&m, &tickets)).await??;
        done += db::categories::store_predictions(&ctx.pool, model_id, &predicted).await?;
    }
    tracing::info!(model_id, tickets = done, "tickets re-classified");
    Ok(done)
}

/// Queues re-classification with `model_id` (once per model).
pub async fn enqueue_reclassify(db: impl sqlx::PgExecutor<'_>, model_id: i64) -> sqlx::Result<()> {
    db::jobs::enqueue(
        db,
        RECATEGORISE,
        &serde_json::json!({ "model_id": model_id }),
        Some(&format!(
            "recategorise:{model_id}:{}",
            chrono::Utc::now().timestamp_millis()
        )),
    )
    .await
    .map(|_| ())
}
