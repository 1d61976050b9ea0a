//! What evaluating an engine needs below the jobs and pages: metrics (P/R/F1, confusion, comparisons), stratified splits, labelled sets and files.

pub mod files;
pub mod metrics;
pub mod sets;
pub mod split;
