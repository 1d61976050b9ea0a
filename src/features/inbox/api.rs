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
    use crate::server::db::escalations::{self, Claim};
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Inbox)?;
    match escalations::claim(&app_state()?.pool, ticket_id, user.id).await? {
        Claim::Claimed => {
            done(ticket_id, back.as_deref(), "Claimed: it is yours.");
            Ok(())
        }
        Claim::Taken(name) => {
            Err(AppError::Invalid(format!("{name} has already claimed this ticket.")).respond())
        }
        Claim::NotFound => Err(AppError::Invalid("This escalation is not open.".into()).respond()),
    }
}

/// Gives the ticket back to the queue, or to another agent (`assignee_id`).
#[server(endpoint = "escalation/assign")]
pub async fn assign(ticket_id: i64, assignee_id: Option<i64>) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Inbox)?;
    let pool = &app_state()?.pool;
    let assignee = match assignee_id {
        Some(id) => {
            let agents = db::inbox::agents(pool).await?;
            let name = agents.into_iter().find(|(a, _)| *a == id).map(|(_, n)| n);
            Some((
                id,
                name.ok_or_else(|| AppError::Invalid("No such active user.".into()).respond())?,
            ))
        }
        None => None,
    };
    let who = assignee.as_ref().map(|(id, n)| (*id, n.as_str()));
    if !db::escalations::assign(pool, ticket_id, user.id, who).await? {
        return Err(AppError::Invalid("This escalation is not open.".into()).respond());
    }
    let message = match &assignee {
        Some((_, name)) => format!("Assigned to {name}."),
        None => "Back in the queue.".into(),
    };
    done(ticket_id, None, &message);
    Ok(())
}

#[server(endpoint = "escalation/note")]
pub async fn add_note(ticket_id: i64, body: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Inbox)?;
    let body = text(&body, "A note")?;
    db::activity::add(&app_state()?.pool, ticket_id, Some(user.id), "note", body).await?;
    done(ticket_id, None, "Note added.");
    Ok(())
}

/// Stores the agent's reply and e-mails it to the customer when SMTP is configured.
#[server(endpoint = "escalation/reply")]
pub async fn send_reply(ticket_id: i64, body: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Inbox)?;
    let body = text(&body, "A reply")?;
    let state = app_state()?;
    let pool = &state.pool;
    if db::tickets::detail(pool, ticket_id, 0).await?.is_none() {
        return Err(AppError::NotFound.respond());
    }
    let email = state.settings.mail.as_ref().map(|m| m.message_id());
    let (_, to) = crate::server::pipeline::respond::send::send_agent_reply(
        pool,
        ticket_id,
        user.id,
        body,
        email.as_deref(),
    )
    .await?;
    let message =
        crate::server::pipeline::respond::send::sent_message(email.is_some(), to.as_deref());
    done(ticket_id, None, &message);
    Ok(())
}

/// Resolves the escalation and the ticket; `needed` is the agent's verdict for backtests.
#[server(endpoint = "escalation/resolve")]
pub async fn resolve(ticket_id: i64, needed: String, note: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Inbox)?;
    let verdict = needed != "no";
    if !db::escalations::resolve(&app_state()?.pool, ticket_id, user.id, verdict, note.trim())
        .await?
    {
        return Err(AppError::Invalid("This escalation is not open.".into()).respond());
    }
    done(ticket_id, None, "Resolved.");
    Ok(())
}

#[server(endpoint = "escalation/reopen")]
pub async fn reopen(ticket_id: i64) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Inbox)?;
    if !db::escalations::reopen(&app_state()?.pool, ticket_id, user.id).await? {
        return Err(
            AppError::Invalid("Only a resolved escalation can be reopened.".into()).respond(),
        );
    }
    done(ticket_id, None, "Reopened.");
    Ok(())
}

#[cfg(feature = "ssr")]
fn text<'a>(body: &'a str, what: &str) -> Result<&'a str, AppError> {
    let body = body.trim();
    if body.is_empty() || body.len() > 20_000 {
        return Err(AppError::Invalid(format!("{what} needs 1 to 20,000 characters.")).respond());
    }
    Ok(body)
}

#[cfg(feature = "ssr")]
fn done(ticket_id: i64, back: Option<&str>, message: &str) {
    let message = crate::domain::url::encode(message);
    // The stamp makes every redirect a new URL, so the page reloads its data each time.
    let stamp = chrono::Utc::now().timestamp_millis();
    match back {
        Some("inbox") => leptos_axum::redirect(&format!("/inbox?ok={message}&at={stamp}")),
        _ => leptos_axum::redirect(&format!(
            "/tickets/{ticket_id}?ok={message}&at={stamp}#escalation"
        )),
    }
}
