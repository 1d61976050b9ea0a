//! Embeddings of labelled items, computed once per model and cached for training and evaluation.

use super::JobContext;
use crate::server::db;
use crate::server::db::labelled::Item;
use pgvector::Vector;
use std::collections::HashMap;

/// Items embedded per round trip to the blocking pool and the database.
const CHUNK: usize = 256;

/// The embedding of every item, in the order of `items`, computing and caching missing ones.
pub async fn for_items(ctx: &JobContext, items: &[&Item]) -> anyhow::Result<Vec<Vec<f32>>> {
    let model = ctx.embedder.model_name().to_string();
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let mut known: HashMap<i64, Vec<f32>> = db::labelled::embeddings(&ctx.pool, &model, &ids)
        .await?
        .into_iter()
        .map(|(id, v)| (id, v.to_vec()))
        .collect();
    let missing: Vec<&Item> = items
        .iter()
        .copied()
        .filter(|i| !known.contains_key(&i.id))
        .collect();
    for chunk in missing.chunks(CHUNK) {
        let texts = chunk.iter().map(|i| i.text.clone()).collect();
        let vectors = super::embed(&ctx.embedder, texts).await?;
        let chunk_ids: Vec<i64> = chunk.iter().map(|i| i.id).collect();
        let pg: Vec<Vector> = vectors.iter().map(|v| Vector::from(v.clone())).collect();
        db::labelled::store_embeddings(&ctx.pool, &model, &chunk_ids, &pg).await?;
        known.extend(chunk_ids.into_iter().zip(vectors));
    }
    items
        .iter()
        .map(|i| {
            known
                .remove(&i.id)
                .ok_or_else(|| anyhow::anyhow!("no embedding for item {}", i.id))
        })
        .collect()
}
