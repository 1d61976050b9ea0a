//! The `eval`, `eval-categories` and `eval-alerts` commands: engines measured on labelled files from the command line.

pub mod alerts;
pub mod categories;
pub mod cli;
pub mod tuned;
