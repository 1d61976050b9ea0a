//! Server functions for the Tickets and Ticket pages.

use super::{TicketDetail, TicketList, TicketQuery};
use crate::error::AppError;
use leptos::prelude::*;

/// Rows per page of the ticket list.
pub const PAGE_SIZE: i64 = 50;

#[server(endpoint = "tickets")]
pub async fn list_tickets(query: TicketQuery) -> Result<TicketList, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Tickets)?;
    let state = app_state()?;
    let (rows, next_cursor) = db::tickets::list(&state.pool, &query, PAGE_SIZE).await?;
    let total = db::tickets::count(&state.pool, &query).await?;
    let products = db::tickets::products(&state.pool).await?;
    Ok(TicketList {
        rows,
        total,
        next_cursor,
        products,
    })
}

#[server(endpoint = "ticket")]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Tickets)?;
    let state = app_state()?;
    db::tickets::detail(&state.pool, id, 20)
        .await?
        .ok_or(AppError::NotFound)
}
