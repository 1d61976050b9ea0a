//! Embedder throughput, measured the same way for `ticketlens bench embed` and the comparison scripts.

use super::{batch, Embedder};
use serde::Serialize;
use std::time::Instant;

/// One throughput measurement over a fixed list of texts.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub model: String,
    /// `int8`, `fp32` (ONNX Runtime) or `candle`.
    pub runtime: &'static str,
    pub sentences: usize,
    pub batch: usize,
    /// Threads per forward pass.
    pub threads: usize,
    pub seconds: f64,
    pub sentences_per_sec: f64,
    /// Real tokens (special tokens included, padding excluded) per second.
    pub tokens_per_sec: f64,
    pub tokens: usize,
    /// Tokens including padding, as batched by the embedder.
    pub padded_tokens: usize,
}

/// Embeds `texts` once in batches of `batch` and times it (tokenizing included). Run a warm-up
/// call first when the first-call cost should not count.
pub fn bench(embedder: &Embedder, texts: &[&str], batch: usize) -> anyhow::Result<BenchReport> {
    let lengths = embedder.token_lengths(texts)?;
    let tokens: usize = lengths.iter().sum();
    let padded_tokens = batch::padded_tokens(&lengths, &batch::plan(&lengths, batch));
    let batch = batch.max(1);
    let start = Instant::now();
    let done = embedder.embed_with_batch(texts, batch)?.len();
    let seconds = start.elapsed().as_secs_f64().max(1e-9);
    Ok(BenchReport {
        model: embedder.model_name().to_string(),
        runtime: embedder.runtime().name(),
        sentences: done,
        batch,
        threads: embedder.threads(),
        seconds,
        sentences_per_sec: done as f64 / seconds,
        tokens_per_sec: tokens as f64 / seconds,
        tokens,
        padded_tokens,
    })
}
