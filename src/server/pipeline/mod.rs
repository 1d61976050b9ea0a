//! The analysis pipeline's steps as plain modules: callable from jobs, server functions and tests.

pub mod category;
pub mod cluster;
pub mod conversation;
pub mod embed;
pub mod escalation;
pub mod evaluation;
pub mod linear;
pub mod predictability;
pub mod respond;
pub mod sentiment;
pub mod text;
