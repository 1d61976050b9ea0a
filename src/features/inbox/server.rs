//! Server side of the inbox page: what its server functions do once the role is checked.

use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::escalations::Claim;
use crate::server::state::AppState;
use sqlx::PgPool;

/// Takes an unassigned escalation; of two agents at once, one wins and the other is told who.
pub async fn claim(
    state: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    back: Option<String>,
) -> Result<(), AppError> {
    match crate::server::pipeline::escalation::workflow::claim(&state.pool, ticket_id, user.id)
        .await?
    {
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
pub async fn assign(
    pool: &PgPool,
    user: &CurrentUser,
    ticket_id: i64,
    assignee_id: Option<i64>,
) -> Result<(), AppError> {
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
    if !crate::server::pipeline::escalation::workflow::assign(pool, ticket_id, user.id, who).await?
    {
        return Err(AppError::Invalid("This escalation is not open.".into()).respond());
    }
    let message = match &assignee {
        Some((_, name)) => format!("Assigned to {name}."),
        None => "Back in the queue.".into(),
    };
    done(ticket_id, None, &message);
    Ok(())
}

/// Stores the agent's reply and e-mails it to the customer when SMTP is configured.
pub async fn send_reply(
    state: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    body: String,
) -> Result<(), AppError> {
    let body = text(&body, "A reply")?;
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
pub async fn resolve(
    state: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    needed: String,
    note: String,
) -> Result<(), AppError> {
    let verdict = needed != "no";
    if !crate::server::pipeline::escalation::workflow::resolve(
        &state.pool,
        ticket_id,
        user.id,
        verdict,
        note.trim(),
    )
    .await?
    {
        return Err(AppError::Invalid("This escalation is not open.".into()).respond());
    }
    done(ticket_id, None, "Resolved.");
    Ok(())
}

/// A note or reply of 1 to 20,000 characters, trimmed.
pub fn text<'a>(body: &'a str, what: &str) -> Result<&'a str, AppError> {
    AppError::check_text(
        body,
        20_000,
        &format!("{what} needs 1 to 20,000 characters."),
    )
}

pub fn done(ticket_id: i64, back: Option<&str>, message: &str) {
    let message = crate::domain::url::encode(message);
    // The stamp makes every redirect a new URL, so the page reloads its data each time.
    let stamp = chrono::Utc::now().timestamp_millis();
    match back {
        // Back to the inbox view the action came from ("inbox?queue=billing").
        Some(b) if b == "inbox" || b.starts_with("inbox?") => {
            let q = super::working::clean(&b["inbox".len()..]);
            let href = q.href(None);
            let sep = if href.contains('?') { '&' } else { '?' };
            leptos_axum::redirect(&format!("{href}{sep}ok={message}&at={stamp}"))
        }
        _ => leptos_axum::redirect(&format!(
            "/tickets/{ticket_id}?ok={message}&at={stamp}#escalation"
        )),
    }
}

/// Reopens a resolved escalation and its ticket.
pub async fn reopen(state: &AppState, user: &CurrentUser, ticket_id: i64) -> Result<(), AppError> {
    if !crate::server::pipeline::escalation::workflow::reopen(&state.pool, ticket_id, user.id)
        .await?
    {
        return Err(
            AppError::Invalid("Only a resolved escalation can be reopened.".into()).respond(),
        );
    }
    done(ticket_id, None, "Reopened.");
    Ok(())
}

/// Escalates a ticket by hand into `queue` with a reason (both required).
pub async fn escalate(
    pool: &PgPool,
    user: &CurrentUser,
    ticket_id: i64,
    queue: String,
    reason: String,
) -> Result<(), AppError> {
    let reason = text(&reason, "A reason")?;
    let queue = queue.trim();
    // Agents escalate into the queues the team has (managers add queues on the Team page): a
    // typo would make a queue nobody watches.
    if db::queues::get(pool, queue).await?.is_none() {
        return Err(AppError::Invalid(format!("There is no queue named {queue:?}.")).respond());
    }
    if !crate::server::pipeline::escalation::workflow::escalate_by_hand(
        pool, ticket_id, user.id, queue, reason,
    )
    .await
    .map_err(|e| {
        tracing::error!(error = ?e, ticket_id, "escalating by hand failed");
        AppError::Internal
    })? {
        return Err(AppError::Invalid(
            "Only an open ticket that is not in the inbox already can be escalated.".into(),
        )
        .respond());
    }
    done(ticket_id, None, &format!("Escalated to {queue}."));
    Ok(())
}

/// Sends an escalated ticket back with a reason: automatic replies are allowed again, and the
/// rules' backtests count it as a false alarm.
pub async fn de_escalate(
    pool: &PgPool,
    user: &CurrentUser,
    ticket_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let reason = text(&reason, "A reason")?;
    if !crate::server::pipeline::escalation::workflow::de_escalate(pool, ticket_id, user.id, reason)
        .await?
    {
        return Err(AppError::Invalid("This escalation is not open.".into()).respond());
    }
    done(
        ticket_id,
        None,
        "De-escalated: the ticket is back in the normal flow.",
    );
    Ok(())
}
