//! Sentence embeddings: a BERT-family model folder on ONNX Runtime (or candle), mean pooling, L2
//! normalisation.

mod batch;
pub mod bench;
mod folder;
mod model;
pub mod onnx;
mod queue;

pub use crate::server::config::{EmbedRuntime, EmbedderConfig};
pub use bench::{bench, BenchReport};
pub(crate) use folder::{model_name, read_config, read_tokenizer};
pub use model::{Embedder, DEFAULT_BATCH_SIZE};
pub use queue::EmbedQueue;
