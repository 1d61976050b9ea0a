//! Adding to a ticket's conversation from outside (REST API, inbound webhook): the message, and a
//! resolved ticket reopened when its customer writes again, in one transaction.

use crate::domain::message::{MessageKind, NewMessage};
use crate::server::db;
use crate::server::db::messages::Appended;
use sqlx::PgPool;

/// What appending did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Append {
    /// Stored (or, for a repeated external id, found stored); `reopened` when the customer's
    /// message reopened a resolved ticket.
    Stored {
        message: Appended,
        reopened: bool,
    },
    NoTicket,
}

/// Appends `m` to ticket `ticket_id`. A customer message is then analysed by the message job,
/// which runs the rules on the whole conversation; an agent message is the ticket's first
/// response when it has none yet.
pub async fn append(pool: &PgPool, ticket_id: i64, m: &NewMessage) -> sqlx::Result<Append> {
    // The ticket lock orders appends against the analysis lanes, but both then update shared
    // rollup rows, so PostgreSQL can still pick one of them as a deadlock victim; the rolled-back
    // append is simply tried again, as the PostgreSQL manual advises.
    let mut attempt = 1;
    loop {
        match append_once(pool, ticket_id, m).await {
            Err(e) if is_deadlock(&e) && attempt < DEADLOCK_TRIES => {
                tracing::warn!(
                    ticket_id,
                    attempt,
                    "append chosen as a deadlock victim; retrying"
                );
                attempt += 1;
            }
            done => return done,
        }
    }
}

/// Attempts of an append that keeps being chosen as a deadlock victim.
const DEADLOCK_TRIES: u32 = 4;

/// PostgreSQL's `deadlock_detected` (40P01).
fn is_deadlock(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("40P01"))
}

async fn append_once(pool: &PgPool, ticket_id: i64, m: &NewMessage) -> sqlx::Result<Append> {
    let mut tx = pool.begin().await?;
    // The ticket first, as the analysis lanes lock it (then the rollups): never the other way.
    db::tickets::lock_for_analysis(&mut tx, &[ticket_id]).await?;
    if !db::tickets::id_exists(&mut *tx, ticket_id).await? {
        return Ok(Append::NoTicket);
    }
    let message = db::messages::append(&mut tx, ticket_id, m).await?;
    let mut reopened = false;
    if message.created && m.kind == MessageKind::Agent {
        db::messages::first_response_at(&mut tx, ticket_id, m.created_at).await?;
    }
    if message.created && m.kind == MessageKind::Customer {
        // A message dated before the resolution (a late sync of old mail) reopens nothing.
        let at = m.created_at;
        reopened = if db::escalations::mark_reopened(&mut tx, ticket_id, at).await? {
            let why = "the customer wrote again";
            db::activity::add(&mut *tx, ticket_id, None, "reopened", why).await?;
            true
        } else {
            db::messages::reopen_on_reply(&mut tx, ticket_id, at).await?
        };
    }
    tx.commit().await?;
    Ok(Append::Stored { message, reopened })
}
