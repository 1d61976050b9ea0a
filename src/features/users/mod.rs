//! The Users page (admins): who may log in, with which role.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
}
