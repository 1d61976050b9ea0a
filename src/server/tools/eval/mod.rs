//! The `eval`, `eval-categories`, `eval-alerts` and `eval-mapping` commands: engines measured on labelled files from the command line.

pub mod alerts;
pub mod categories;
pub mod cli;
pub mod mapping;
pub mod tuned;
