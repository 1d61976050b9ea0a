//! Evaluation of engines on labelled sets: metrics, splits, runs, comparisons, the `eval` command.

pub mod alerts;
pub mod categories;
pub mod cli;
pub mod files;
pub mod metrics;
pub mod runs;
pub mod sets;
pub mod split;
