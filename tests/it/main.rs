//! The integration tests, in one binary: one link instead of one per file (each was 0.5 GB
//! with debug info, and linking them took much of a CI run). Each module is one area; they share
//! the helpers in `common`, a real PostgreSQL, and the LLM stand-ins in `standin` and `wire`.
#![cfg(feature = "ssr")]

mod common;
mod standin;
mod wire;

mod alerts;
mod analysis;
mod api;
mod api_analyse;
mod api_imports;
mod api_inbox;
mod assignment;
mod audit;
mod auth;
mod business_calendar;
mod categories;
mod clusters;
mod conversation_analytics;
mod conversation_rules;
mod conversations;
mod demo_history;
mod drafts;
mod drafts_llm;
mod email;
mod embed;
mod escalation;
mod escalation_backtest;
mod escalation_facts;
mod escalation_manual;
mod escaping;
mod evaluation;
mod evaluation_llm;
mod explanations;
mod export;
mod first_model;
mod heatmaps;
mod import;
mod import_formats;
mod import_layouts;
mod import_mapping;
mod import_resume;
mod inbox;
mod inbox_views;
mod llm;
mod metrics;
mod outage;
mod overview;
mod quality;
mod queue_hours;
mod roles;
mod rollups;
mod security;
mod sla_sweep;
mod startup;
mod templates;
mod tickets;
mod trends;
mod tuned_engine;
mod tuning_job;
mod webhooks;
mod webhooks_inbound;
mod workers;
