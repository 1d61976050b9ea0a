//! Server-only code: the one home of sqlx, candle, plotters, reqwest and process management.

pub mod api;
pub mod auth;
pub mod charts;
pub mod config;
pub mod csp;
pub mod db;
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
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tools;
pub mod webhooks;
