//! One folder per dashboard area: DTOs shared by both targets, thin server functions, page components.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod categories;
pub mod clusters;
pub mod conversations;
pub mod data;
pub mod drafts;
pub mod evaluation;
pub mod heatmaps;
pub mod inbox;
pub mod integrations;
pub mod overview;
pub mod prompts;
pub mod quality;
pub mod rules;
pub mod team;
pub mod templates;
pub mod tickets;
pub mod tokens;
pub mod trends;
pub mod users;
