//! Logging in and out, and the current user every page and server function depends on.

pub mod api;
pub mod page;

use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// The logged-in user as the UI sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}
