//! Logging in and out, and the current user every page and server function depends on.

pub mod api;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

pub use crate::domain::role::CurrentUser;
