//! The loaded embedder: tokenizer and BERT weights turning texts into unit vectors, batch by batch.

use super::quant::QuantBert;
use super::{batch, folder};
use anyhow::{anyhow, Context};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::BertModel;
use std::path::Path;
use tokenizers::{Encoding, PaddingParams, Tokenizer};

/// Texts per forward pass unless [`Embedder::with_batch_size`] says otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// Number format of the linear layers' weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// The weights as shipped: candle-transformers' BERT.
    #[default]
    F32,
    /// Opt-in: linear layers quantised to 8 bits (Q8_0) at load time; vectors stay within cosine
    /// 0.997 of F32 here. Not a speed-up: measured at 48 sentences/s against F32's 110 (2 cores,
    /// batches of 32), as candle's quantised CPU kernels are tuned for one-row LLM decoding.
    Q8,
}

enum Backbone {
    F32(BertModel),
    Q8(QuantBert),
}

/// A sentence embedder: mean pooling over the attention mask, then L2 normalisation.
pub struct Embedder {
    model: Backbone,
    tokenizer: Tokenizer,
    padding: PaddingParams,
    device: Device,
    dims: usize,
    max_tokens: usize,
    name: String,
    batch_size: usize,
}

impl Embedder {
    /// Loads a BERT-family Hugging Face folder (config.json, tokenizer.json, model.safetensors).
    pub fn load(dir: &Path) -> anyhow::Result<Embedder> {
        Embedder::load_with(dir, Precision::F32)
    }

    /// [`Embedder::load`] with a choice of weight precision.
    pub fn load_with(dir: &Path, precision: Precision) -> anyhow::Result<Embedder> {
        let config = folder::read_config(dir)?;
        let max_tokens = folder::max_tokens(dir, &config)?;
        let (tokenizer, padding) = folder::read_tokenizer(dir, max_tokens, config.pad_token_id)?;
        let weights = folder::required(dir, "model.safetensors")?;
        let device = Device::Cpu;
        // SAFETY: the weights are memory-mapped read-only; TicketLens never writes model files,
        // and setup only replaces the folder while the server is stopped.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &device) }
            .with_context(|| format!("mapping {}", weights.display()))?;
        // Both accept weight names with or without a `bert.` prefix.
        let model = match precision {
            Precision::F32 => BertModel::load(vb, &config)
                .map(Backbone::F32)
                .map_err(anyhow::Error::from),
            Precision::Q8 => QuantBert::load(vb, &config).map(Backbone::Q8),
        }
        .with_context(|| {
            format!(
                "{} does not hold the weights config.json describes",
                weights.display()
            )
        })?;
        Ok(Embedder {
            model,
            tokenizer,
            padding,
            device,
            dims: config.hidden_size,
            max_tokens,
            name: folder::model_name(dir),
            batch_size: DEFAULT_BATCH_SIZE,
        })
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
        let mut encodings = self.encode(texts)?;
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
            outputs.push(self.forward(&group)?);
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
        let width = group.first().map_or(0, Encoding::len);
        let shape = (group.len(), width);
        let flat = |f: fn(&Encoding) -> &[u32]| -> Vec<u32> {
            group.iter().flat_map(|e| f(e).iter().copied()).collect()
        };
        let ids = Tensor::from_vec(flat(Encoding::get_ids), shape, &self.device)?;
        let type_ids = Tensor::from_vec(flat(Encoding::get_type_ids), shape, &self.device)?;
        let mask = Tensor::from_vec(flat(Encoding::get_attention_mask), shape, &self.device)?;
        let hidden = match &self.model {
            Backbone::F32(m) => m.forward(&ids, &type_ids, Some(&mask))?,
            Backbone::Q8(m) => m.forward(&ids, &type_ids, &mask)?,
        };
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
        let counts = mask.sum(1)?;
        let mut rows = summed.broadcast_div(&counts)?.to_vec2::<f32>()?;
        rows.iter_mut().for_each(|r| batch::normalize(r));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn embedder_can_be_shared_across_threads() {
        assert_send_sync::<super::Embedder>();
    }
}
