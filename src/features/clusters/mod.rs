//! The Clusters page: tickets grouped by what they are about, drawn on a plane, with each cluster's size, negative share, trend, top terms and typical tickets.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One cluster of the latest run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    pub id: i64,
    pub idx: i32,
    pub name: Option<String>,
    pub size: i32,
    pub top_terms: Vec<String>,
    pub negative_share: Option<f64>,
    /// Tickets per week over the last weeks, oldest first.
    pub weekly: Vec<i64>,
    /// Its most typical tickets: (id, subject).
    pub samples: Vec<(i64, String)>,
    /// Its colour on the scatter (CSS).
    pub colour: String,
}

/// Everything the Clusters page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClustersOverview {
    pub run: Option<RunView>,
    pub clusters: Vec<ClusterView>,
    /// The scatter, rendered on the server.
    pub scatter_svg: String,
    /// A run queued or running.
    pub pending: bool,
    pub can_tune: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i64,
    pub k: i32,
    pub k_chosen_by: String,
    pub scores: Vec<(usize, f64)>,
    pub tickets: i32,
    pub embedder: String,
    pub explained: Vec<f32>,
    pub created_at: DateTime<Utc>,
}
