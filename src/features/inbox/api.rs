//! Server functions of the inbox and the escalation panel; every role may work escalations.

use super::{InboxPage, InboxQuery, TicketEscalation};
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "inbox")]
pub async fn list_inbox(#[server(default)] query: InboxQuery) -> Result<InboxPage, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    Ok(crate::server::db::inbox_view::inbox(&app_state()?.pool, &query, user.id).await?)
}

#[server(endpoint = "escalation")]
pub async fn load_escalation(ticket_id: i64) -> Result<TicketEscalation, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    Ok(crate::server::db::inbox_view::ticket(&app_state()?.pool, ticket_id, user.id).await?)
}

/// Takes an unassigned escalation; of two agents at once, one wins and the other is told who.
#[server(endpoint = "escalation/claim")]
pub async fn claim(ticket_id: i64, back: Option<String>) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::claim(&app_state()?, &user, ticket_id, back).await
}

/// Gives the ticket back to the queue, or to another agent (`assignee_id`).
#[server(endpoint = "escalation/assign")]
pub async fn assign(ticket_id: i64, assignee_id: Option<i64>) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::assign(&app_state()?.pool, &user, ticket_id, assignee_id).await
}

#[server(endpoint = "escalation/note")]
pub async fn add_note(ticket_id: i64, body: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Inbox)?;
    let body = super::server::text(&body, "A note")?;
    db::activity::add(&app_state()?.pool, ticket_id, Some(user.id), "note", body).await?;
    super::server::done(ticket_id, None, "Note added.");
    Ok(())
}

/// Stores the agent's reply and e-mails it to the customer when SMTP is configured.
#[server(endpoint = "escalation/reply")]
pub async fn send_reply(ticket_id: i64, body: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::send_reply(&app_state()?, &user, ticket_id, body).await
}

/// Resolves the escalation and the ticket; `needed` is the agent's verdict for backtests.
#[server(endpoint = "escalation/resolve")]
pub async fn resolve(ticket_id: i64, needed: String, note: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::resolve(&app_state()?, &user, ticket_id, needed, note).await
}

#[server(endpoint = "escalation/reopen")]
pub async fn reopen(ticket_id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::reopen(&app_state()?, &user, ticket_id).await
}

/// Marks the viewer's notifications read.
#[server(endpoint = "inbox/notifications/read")]
pub async fn read_notifications() -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Inbox)?;
    db::notifications::read_all(&app_state()?.pool, user.id).await?;
    let stamp = chrono::Utc::now().timestamp_millis();
    leptos_axum::redirect(&format!("/inbox?at={stamp}"));
    Ok(())
}

/// Escalates a ticket no rule caught (or one sent back before) into a queue, with a reason.
#[server(endpoint = "escalation/escalate")]
pub async fn escalate(ticket_id: i64, queue: String, reason: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::escalate(&app_state()?.pool, &user, ticket_id, queue, reason).await
}

/// Sends an escalated ticket back to the normal flow, with a reason.
#[server(endpoint = "escalation/de-escalate")]
pub async fn de_escalate(ticket_id: i64, reason: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::server::de_escalate(&app_state()?.pool, &user, ticket_id, reason).await
}

/// Saves the current filters and sort as one of the viewer's views (same name: replaced).
#[server(endpoint = "inbox/views/save")]
pub async fn save_view(name: String, query: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::working::save_view(&app_state()?.pool, &user, &name, &query).await
}

#[server(endpoint = "inbox/views/delete")]
pub async fn delete_view(id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::working::delete_view(&app_state()?.pool, &user, id).await
}

/// Sets the time zone the viewer's inbox shows due times in (empty: the team's).
#[server(endpoint = "inbox/time-zone")]
pub async fn set_time_zone(zone: String, #[server(default)] back: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::working::set_time_zone(&app_state()?.pool, &user, &zone, &back).await
}

/// Assigns or resolves the selected escalations; `back` is the view to return to.
#[server(endpoint = "inbox/bulk")]
pub async fn bulk(
    #[server(default)] tickets: Vec<i64>,
    action: String,
    back: String,
) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    super::working::bulk(&app_state()?.pool, &user, &tickets, &action, &back).await
}
