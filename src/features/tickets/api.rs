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
    let cluster = match query.cluster {
        Some(id) => db::clusters::label(&state.pool, id).await?,
        None => None,
    };
    Ok(TicketList {
        cluster,
        rows,
        total,
        next_cursor,
        products,
    })
}

#[server(endpoint = "ticket")]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tickets)?;
    let state = app_state()?;
    crate::server::db::ticket_detail::load(&state.pool, id, 20)
        .await?
        .ok_or(AppError::NotFound)
}

/// Records an agent's correction of a ticket's sentiment; it becomes a gold label in the set
/// "Agent corrections".
#[server(endpoint = "ticket/correct")]
pub async fn correct_sentiment(ticket_id: i64, label: String) -> Result<(), AppError> {
    use crate::domain::{role::Area, SentimentLabel};
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tickets)?;
    let label = SentimentLabel::parse(&label)
        .ok_or_else(|| AppError::Invalid("Unknown sentiment.".into()))?;
    let pool = &app_state()?.pool;
    let set_id = db::labelled::ensure(
        pool,
        db::labelled::CORRECTIONS_SET,
        "corrections",
        Some(user.id),
    )
    .await?;
    db::labelled::correct_ticket(pool, set_id, ticket_id, label.as_str(), user.id).await?;
    tracing::info!(user = %user.email, ticket_id, %label, "sentiment corrected");
    leptos_axum::redirect(&format!(
        "/tickets/{ticket_id}?ok=Saved&at={}",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
