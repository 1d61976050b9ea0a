//! Browsing tickets: the list and the full ticket; the filters and rows are `domain::ticket_view`.

pub mod api;
pub mod detail;
pub mod page;

pub use crate::domain::ticket_view::*;
