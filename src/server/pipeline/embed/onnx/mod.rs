//! The embedder's backbone on ONNX Runtime: a graph written from the model's weights, run by the
//! `libonnxruntime` that `scripts/setup.sh` unpacks from the PyPI wheel.

mod graph;
mod proto;
mod runtime;
mod weights;

pub(crate) use graph::Weighting;
pub(crate) use runtime::environment as check_library;
pub use runtime::library_version;
pub use weights::Weight;
pub(crate) use weights::Weights;

use anyhow::{anyhow, Context};
use candle_transformers::models::bert::Config;
use ort::session::Session;
use ort::value::Tensor;
use std::path::Path;
use std::sync::Mutex;

/// One ONNX Runtime session for the model; runs are serialised, each using `threads` cores.
pub(crate) struct OnnxModel {
    session: Mutex<Session>,
    dims: usize,
}

impl OnnxModel {
    /// Writes the graph from `weights` (a safetensors file described by `config`, with
    /// `overrides` in place of its tensors of the same names) and opens it.
    pub(crate) fn load(
        library: &Path,
        config: &Config,
        weights: &Path,
        overrides: &[(String, Weight)],
        weighting: Weighting,
        threads: usize,
    ) -> anyhow::Result<OnnxModel> {
        let environment = runtime::environment(library)?;
        let tensors = weights::Weights::open(weights)?.with_overrides(overrides);
        let bytes = graph::build(config, &tensors, weighting)?;
        drop(tensors);
        let session = runtime::session(environment, &bytes, threads)?;
        Ok(OnnxModel {
            session: Mutex::new(session),
            dims: config.hidden_size,
        })
    }

    /// Unit vectors for one batch of `rows` equally long (padded) inputs, given row-major.
    pub(crate) fn forward(
        &self,
        rows: usize,
        ids: Vec<i64>,
        type_ids: Vec<i64>,
        mask: Vec<i64>,
    ) -> anyhow::Result<Vec<Vec<f32>>> {
        if rows == 0 {
            return Ok(Vec::new());
        }
        let width = ids.len() / rows;
        let shape = [rows, width];
        let tensor = |v: Vec<i64>| Tensor::from_array((shape, v)).map_err(|e| anyhow!("{e}"));
        let inputs = ort::inputs![
            "input_ids" => tensor(ids)?,
            "token_type_ids" => tensor(type_ids)?,
            "attention_mask" => tensor(mask)?,
        ];
        let mut session = self
            .session
            .lock()
            .map_err(|_| anyhow!("an earlier embedding run panicked"))?;
        let outputs = session
            .run(inputs)
            .map_err(|e| anyhow!("{e}"))
            .context("running the embedding model")?;
        let (_, flat) = outputs["embeddings"]
            .try_extract_tensor::<f32>()
            .map_err(|e| anyhow!("{e}"))?;
        Ok(flat.chunks_exact(self.dims).map(<[f32]>::to_vec).collect())
    }
}
