//! The API tokens page: each user creates and revokes their own bearer tokens for `/api/v1`.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use crate::domain::role::TokenView;

use serde::{Deserialize, Serialize};

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub name: String,
    pub token: String,
}
