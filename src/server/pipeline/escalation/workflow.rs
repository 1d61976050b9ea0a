//! The inbox workflow after a ticket is escalated: claiming, assigning, resolving and reopening,
//! each state change and its line in the activity trail in one transaction.

use crate::server::db;
use crate::server::db::escalations::Claim;
use sqlx::PgPool;

/// Claims an open, unassigned escalation: of two agents at once, exactly one wins; claiming
/// one's own again is fine.
pub async fn claim(pool: &PgPool, ticket_id: i64, user_id: i64) -> sqlx::Result<Claim> {
    let mut tx = pool.begin().await?;
    if db::escalations::take(&mut tx, ticket_id, user_id).await? {
        db::activity::add(&mut *tx, ticket_id, Some(user_id), "claimed", "").await?;
        tx.commit().await?;
        return Ok(Claim::Claimed);
    }
    drop(tx);
    Ok(match db::escalations::holder(pool, ticket_id).await? {
        Some((id, _)) if id == user_id => Claim::Claimed,
        Some((_, name)) => Claim::Taken(name),
        None => Claim::NotFound,
    })
}

/// Sets or clears the assignee (unclaim, assign to another agent) and records who did it;
/// false when the escalation is not open.
pub async fn assign(
    pool: &PgPool,
    ticket_id: i64,
    actor_id: i64,
    assignee: Option<(i64, &str)>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done =
        db::escalations::set_assignee(&mut tx, ticket_id, assignee.map(|(id, _)| id)).await?;
    if done {
        let (kind, body) = match assignee {
            Some((_, name)) => ("assigned", format!("to {name}")),
            None => ("unclaimed", String::new()),
        };
        db::activity::add(&mut *tx, ticket_id, Some(actor_id), kind, &body).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Resolves an open escalation and its ticket with the agent's verdict (did it need a person?);
/// false when it was not open.
pub async fn resolve(
    pool: &PgPool,
    ticket_id: i64,
    actor_id: i64,
    verdict: bool,
    note: &str,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done = db::escalations::mark_resolved(&mut tx, ticket_id, verdict).await?;
    if done {
        let body = if verdict {
            note.to_string()
        } else {
            format!("did not need escalation. {note}")
        };
        db::activity::add(&mut *tx, ticket_id, Some(actor_id), "resolved", body.trim()).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Reopens a resolved escalation and its ticket; false when it was not resolved.
pub async fn reopen(pool: &PgPool, ticket_id: i64, actor_id: i64) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done = db::escalations::mark_reopened(&mut tx, ticket_id, chrono::Utc::now()).await?;
    if done {
        db::activity::add(&mut *tx, ticket_id, Some(actor_id), "reopened", "").await?;
    }
    tx.commit().await?;
    Ok(done)
}
