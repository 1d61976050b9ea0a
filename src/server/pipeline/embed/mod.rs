//! Sentence embeddings with candle: a BERT-family model folder, mean pooling, L2 normalisation.

mod batch;
pub mod bench;
mod folder;
mod model;

pub use bench::{bench, BenchReport};
pub use model::{Embedder, DEFAULT_BATCH_SIZE};
