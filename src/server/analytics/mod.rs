//! Analytics computed from the rollups: spike and growth detection for the alerts.

pub mod alerts;
pub mod spikes;
