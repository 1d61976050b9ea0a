//! Browsing tickets: the list and the full ticket; the filters and rows are `domain::ticket_view`.

pub mod api;
pub mod detail;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;
pub mod thread;

pub use crate::domain::ticket_view::*;
