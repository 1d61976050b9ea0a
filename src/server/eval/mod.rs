//! Evaluation of engines on labelled sets: metrics, runs, comparisons.

pub mod metrics;
pub mod split;
