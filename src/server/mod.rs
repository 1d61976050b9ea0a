//! Server-only code: the one home of sqlx, plotters and process management.

pub mod auth;
pub mod bench;
pub mod charts;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod import;
pub mod pg;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
