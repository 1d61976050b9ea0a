//! Server functions for the Tickets and Ticket pages.

use super::{TicketDetail, TicketList, TicketQuery};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "tickets")]
pub async fn list_tickets(query: TicketQuery) -> Result<TicketList, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tickets)?;
    super::server::list_tickets(&app_state()?, query).await
}

#[server(endpoint = "ticket")]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tickets)?;
    super::server::ticket(&app_state()?, id).await
}

/// Records an agent's correction of a ticket's sentiment; it becomes a gold label in the set
/// "Agent corrections".
#[server(endpoint = "ticket/correct")]
pub async fn correct_sentiment(ticket_id: i64, label: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tickets)?;
    super::server::correct_sentiment(&app_state()?, &user, ticket_id, label).await
}

/// Records an agent's correction of a later customer message's sentiment; it becomes a gold
/// label in the set "Agent corrections", which evaluation runs also report apart.
#[server(endpoint = "message/correct")]
pub async fn correct_message_sentiment(message_id: i64, label: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tickets)?;
    super::server::correct_message_sentiment(&app_state()?, &user, message_id, label).await
}
