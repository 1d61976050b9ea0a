//! Sentence embeddings with candle: a BERT-family model folder, mean pooling, L2 normalisation.

mod batch;
pub mod bench;
mod folder;
mod model;
mod quant;

pub use bench::{bench, BenchReport};
pub use model::{Embedder, Precision, DEFAULT_BATCH_SIZE};
