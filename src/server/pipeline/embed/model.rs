//! The loaded embedder: tokenizer and a BERT backbone (ONNX Runtime or candle) turning texts into
//! unit vectors, batch by batch.

use super::onnx::{self, OnnxModel, Weight, Weighting};
use super::{batch, folder};
use crate::server::config::{EmbedRuntime, EmbedderConfig};
use crate::server::telemetry::stages::{self, Stage};
use anyhow::{anyhow, Context};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use tokenizers::{Encoding, PaddingParams, Tokenizer};

/// Texts per forward pass unless [`Embedder::with_batch_size`] says otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 32;

enum Backbone {
    Onnx(OnnxModel),
    Candle(Box<BertModel>),
}

/// A sentence embedder: mean pooling over the attention mask, then L2 normalisation.
pub struct Embedder {
    model: Backbone,
    config: EmbedderConfig,
    runtime: EmbedRuntime,
    tokenizer: Tokenizer,
    padding: PaddingParams,
    dims: usize,
    max_tokens: usize,
    name: String,
    batch_size: usize,
    threads: usize,
    /// Calls of [`Embedder::embed_with_batch`] so far.
    calls: AtomicU64,
}

impl Embedder {
    /// Loads the model folder on the configured runtime.
    pub fn load(config: &EmbedderConfig) -> anyhow::Result<Embedder> {
        Embedder::load_tuned(config, &[], None)
    }

    /// Loads the model folder with `layers` (a tuned model's tensors, by checkpoint name) in
    /// place of the folder's, named `name`. Tuned models run on ONNX Runtime only.
    pub fn load_tuned(
        config: &EmbedderConfig,
        layers: &[(String, Weight)],
        name: Option<&str>,
    ) -> anyhow::Result<Embedder> {
        if !layers.is_empty() && config.runtime == EmbedRuntime::Candle {
            anyhow::bail!(
                "a tuned sentiment model runs on ONNX Runtime; set TICKETLENS_EMBEDDER to an onnx \
                 runtime"
            );
        }
        if config.runtime != EmbedRuntime::Candle {
            onnx::check_library(&config.onnxruntime)?;
        }
        let dir = &config.model_dir;
        let bert = folder::read_config(dir)?;
        let max_tokens = folder::max_tokens(dir, &bert)?;
        let (tokenizer, padding) = folder::read_tokenizer(dir, max_tokens, bert.pad_token_id)?;
        let weights = folder::required(dir, "model.safetensors")?;
        let onnx = |weighting| {
            OnnxModel::load(
                &config.onnxruntime,
                &bert,
                &weights,
                layers,
                weighting,
                config.threads,
            )
            .map(Backbone::Onnx)
        };
        let model = match config.runtime {
            EmbedRuntime::OnnxInt8 => onnx(Weighting::Int8 { fc2_f32: true }),
            EmbedRuntime::OnnxInt8Full => onnx(Weighting::Int8 { fc2_f32: false }),
            EmbedRuntime::OnnxF32 => onnx(Weighting::F32),
            EmbedRuntime::Candle => candle(&weights, &bert),
        }
        .with_context(|| {
            format!(
                "cannot run {} on the {} embedder",
                weights.display(),
                config.runtime.name()
            )
        })?;
        Ok(Embedder {
            model,
            config: config.clone(),
            runtime: config.runtime,
            tokenizer,
            padding,
            dims: bert.hidden_size,
            max_tokens,
            name: name.map_or_else(|| folder::model_name(dir), str::to_string),
            batch_size: DEFAULT_BATCH_SIZE,
            threads: match config.runtime {
                EmbedRuntime::Candle => candle_core::utils::get_num_threads(),
                _ => config.threads.max(1),
            },
            calls: AtomicU64::new(0),
        })
    }

    /// The folder, runtime and threads it was loaded with (a tuned model loads the same way).
    pub fn config(&self) -> &EmbedderConfig {
        &self.config
    }

    /// The runtime this embedder runs on.
    pub fn runtime(&self) -> EmbedRuntime {
        self.runtime
    }

    /// How many times texts were embedded (each call runs one or more forward passes).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Threads one forward pass uses.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Sets how many texts go through the model at once (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> Embedder {
        self.batch_size = batch_size.max(1);
        self
    }

    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Length of every vector [`Embedder::embed`] returns.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Identifies the model; stored as the engine version with every vector.
    pub fn model_name(&self) -> &str {
        &self.name
    }

    /// Longest input in tokens, special tokens included; longer texts are truncated.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Token count of each text after truncation, special tokens included.
    pub fn token_lengths(&self, texts: &[&str]) -> anyhow::Result<Vec<usize>> {
        Ok(self.encode(texts)?.iter().map(Encoding::len).collect())
    }

    /// One unit vector per text, in input order. Texts are sorted by token count and run in
    /// batches of similar length, each padded only to its longest text. Blocking: call it from
    /// `spawn_blocking` in async code.
    pub fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        self.embed_with_batch(texts, self.batch_size)
    }

    /// [`Embedder::embed`] with `batch_size` texts per forward pass instead of the configured one.
    pub fn embed_with_batch(
        &self,
        texts: &[&str],
        batch_size: usize,
    ) -> anyhow::Result<Vec<Vec<f32>>> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let mut encodings = stages::time(Stage::Tokenise, || self.encode(texts))?;
        let lengths: Vec<usize> = encodings.iter().map(Encoding::len).collect();
        let plan = batch::plan(&lengths, batch_size);
        let mut outputs = Vec::with_capacity(plan.len());
        for positions in &plan {
            let mut group: Vec<Encoding> = positions
                .iter()
                .map(|&i| std::mem::take(&mut encodings[i]))
                .collect();
            tokenizers::pad_encodings(&mut group, &self.padding)
                .map_err(|e| anyhow!(e))
                .context("padding a batch")?;
            outputs.push(stages::time(Stage::Infer, || self.forward(&group))?);
        }
        batch::scatter(texts.len(), &plan, outputs)
    }

    fn encode(&self, texts: &[&str]) -> anyhow::Result<Vec<Encoding>> {
        self.tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow!(e))
            .context("tokenizing texts")
    }

    /// Mean-pooled, normalised vectors for one batch of equally long (padded) encodings.
    fn forward(&self, group: &[Encoding]) -> anyhow::Result<Vec<Vec<f32>>> {
        match &self.model {
            Backbone::Onnx(m) => {
                let flat = |f: fn(&Encoding) -> &[u32]| -> Vec<i64> {
                    group
                        .iter()
                        .flat_map(|e| f(e).iter().map(|&v| i64::from(v)))
                        .collect()
                };
                m.forward(
                    group.len(),
                    flat(Encoding::get_ids),
                    flat(Encoding::get_type_ids),
                    flat(Encoding::get_attention_mask),
                )
            }
            Backbone::Candle(m) => candle_forward(m, group),
        }
    }
}

fn candle(weights: &Path, config: &Config) -> anyhow::Result<Backbone> {
    // SAFETY: the weights are memory-mapped read-only; TicketLens never writes model files,
    // and setup only replaces the folder while the server is stopped.
    let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &Device::Cpu) }
        .with_context(|| format!("mapping {}", weights.display()))?;
    // Accepts weight names with or without a `bert.` prefix.
    Ok(Backbone::Candle(Box::new(BertModel::load(vb, config)?)))
}

fn candle_forward(model: &BertModel, group: &[Encoding]) -> anyhow::Result<Vec<Vec<f32>>> {
    let width = group.first().map_or(0, Encoding::len);
    let shape = (group.len(), width);
    let flat = |f: fn(&Encoding) -> &[u32]| -> Vec<u32> {
        group.iter().flat_map(|e| f(e).iter().copied()).collect()
    };
    let device = Device::Cpu;
    let ids = Tensor::from_vec(flat(Encoding::get_ids), shape, &device)?;
    let type_ids = Tensor::from_vec(flat(Encoding::get_type_ids), shape, &device)?;
    let mask = Tensor::from_vec(flat(Encoding::get_attention_mask), shape, &device)?;
    let hidden = model.forward(&ids, &type_ids, Some(&mask))?;
    let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
    let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
    let counts = mask.sum(1)?;
    let mut rows = summed.broadcast_div(&counts)?.to_vec2::<f32>()?;
    rows.iter_mut().for_each(|r| batch::normalize(r));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn embedder_can_be_shared_across_threads() {
        assert_send_sync::<super::Embedder>();
    }
}
