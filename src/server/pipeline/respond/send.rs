//! Sending a reply, the respond step's last hop: one transaction stores it, records the first
//! response and the activity, and queues its e-mail when e-mail is configured.

use crate::server::db;
use crate::server::db::drafts::Review;
use crate::server::mail::compose_reply;
use sqlx::{PgPool, Postgres, Transaction};

/// Sends a pending draft as `body` (the agent's final text) and records how far the agent edited
/// it. Sending twice is refused. `email` is a new Message-ID when e-mail is configured.
pub async fn send_draft(
    pool: &PgPool,
    ticket_id: i64,
    draft_id: i64,
    user_id: i64,
    body: &str,
    email: Option<&str>,
) -> sqlx::Result<Review> {
    let mut tx = pool.begin().await?;
    let Some(original) = db::drafts::lock_pending(&mut tx, ticket_id, draft_id).await? else {
        return Ok(Review::NotPending);
    };
    let distance = crate::domain::draft::edit_distance(&original, body) as i32;
    db::drafts::mark_sent(&mut tx, draft_id, user_id, body, distance).await?;
    replied(&mut tx, ticket_id, user_id, body).await?;
    let to = queue_email(&mut tx, draft_id, email).await?;
    tx.commit().await?;
    Ok(Review::Done(to))
}

/// Stores and sends an agent's own reply; returns its id and the address it is e-mailed to.
pub async fn send_agent_reply(
    pool: &PgPool,
    ticket_id: i64,
    author_id: i64,
    body: &str,
    email: Option<&str>,
) -> sqlx::Result<(i64, Option<String>)> {
    let mut tx = pool.begin().await?;
    let id = db::responses::insert_agent_reply(&mut tx, ticket_id, author_id, body).await?;
    replied(&mut tx, ticket_id, author_id, body).await?;
    let to = queue_email(&mut tx, id, email).await?;
    tx.commit().await?;
    Ok((id, to))
}

/// What every sent reply records: the first response on the ticket and its escalation, the reply
/// as an agent message of the thread, and in the activity trail.
async fn replied(
    tx: &mut sqlx::PgConnection,
    ticket_id: i64,
    user_id: i64,
    body: &str,
) -> sqlx::Result<()> {
    db::tickets::lock_for_analysis(tx, &[ticket_id]).await?;
    db::responses::first_response(tx, ticket_id).await?;
    db::messages::add_agent_reply(tx, ticket_id, Some(user_id), body).await?;
    db::activity::add(&mut *tx, ticket_id, Some(user_id), "reply", body).await
}

/// What the agent is told about a sent reply.
pub fn sent_message(mail: bool, to: Option<&str>) -> String {
    match (mail, to) {
        (_, Some(to)) => format!("Reply sent: e-mailed to {to}."),
        (true, None) => {
            "Reply saved; the customer has no e-mail address, so send it by hand.".into()
        }
        (false, None) => "Reply saved and marked as sent by hand (no e-mail is configured).".into(),
    }
}

/// Queues the reply for the customer when there is a Message-ID and they have an address.
async fn queue_email(
    tx: &mut Transaction<'_, Postgres>,
    response_id: i64,
    message_id: Option<&str>,
) -> sqlx::Result<Option<String>> {
    match message_id {
        Some(id) => db::emails::queue_reply(tx, response_id, id, compose_reply).await,
        None => Ok(None),
    }
}
