//! What evaluating an engine needs below the jobs and pages: stratified splits, labelled sets and files (the metrics are `domain::metrics`).

pub mod files;
pub mod sets;
pub mod split;
