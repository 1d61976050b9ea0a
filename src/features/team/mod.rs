//! The Team page (managers and admins): each queue's assignment policy, manager and members, and
//! each agent's availability, open load and capacity.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub available: bool,
    pub load: i64,
    pub capacity: i32,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueView {
    pub name: String,
    pub policy: String,
    pub away_policy: String,
    pub manager_id: Option<i64>,
    pub members: Vec<i64>,
    pub open: i64,
    pub waiting: i64,
    /// Business hours of its own; None: the team's (Rules page).
    pub hours: Option<crate::features::rules::HoursView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamPage {
    pub agents: Vec<AgentView>,
    pub queues: Vec<QueueView>,
    /// (name, label) of every assignment policy.
    pub policies: Vec<(String, String)>,
    /// Every IANA zone name, for the queue hours' zone field.
    pub zones: Vec<String>,
}
