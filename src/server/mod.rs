//! Server-only code: the one home of sqlx, candle, plotters, reqwest and process management.

pub mod api;
pub mod auth;
pub mod bench;
pub mod charts;
pub mod cli;
pub mod config;
pub mod csp;
pub mod db;
pub mod demo;
pub mod eval;
pub mod export;
pub mod health;
pub mod import;
pub mod jobs;
pub mod llm;
pub mod mail;
pub mod metrics;
pub mod pg;
pub mod pipeline;
pub mod random;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod webhooks;
