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

/// Escalates a ticket by hand into `queue` with the agent's reason, its SLA clock counted from
/// now (the moment a person decided it needs one; counted from the ticket's creation an old
/// ticket would be breached at once); false when the ticket is closed or already open in the
/// inbox.
pub async fn escalate_by_hand(
    pool: &PgPool,
    ticket_id: i64,
    actor_id: i64,
    queue: &str,
    reason: &str,
) -> anyhow::Result<bool> {
    let Some(priority) = db::tickets::priority(pool, ticket_id).await? else {
        return Ok(false);
    };
    let created = chrono::Utc::now();
    let sla = db::sla::settings(pool).await?;
    let calendar = sla.calendar_for(queue);
    let policy = sla.policy(&priority);
    let (first_response_due, resolution_due) = policy.due(created, &calendar);
    let (first_response_warn, resolution_warn) = policy.at_risk(created, &calendar);
    let severity = crate::domain::Priority::parse(&priority).map_or(2, |p| match p {
        crate::domain::Priority::Urgent => 4,
        crate::domain::Priority::High => 3,
        crate::domain::Priority::Medium => 2,
        crate::domain::Priority::Low => 1,
    });
    let mut tx = pool.begin().await?;
    let m = db::escalations::ManualEscalation {
        ticket_id,
        queue,
        severity,
        first_response_due,
        resolution_due,
        first_response_warn,
        resolution_warn,
    };
    if !db::escalations::escalate_by_hand(&mut tx, &m).await? {
        return Ok(false);
    }
    db::activity::add(
        &mut *tx,
        ticket_id,
        Some(actor_id),
        "escalated",
        &format!("by hand to {queue}: {reason}"),
    )
    .await?;
    let payload = serde_json::json!({
        "ticket_id": ticket_id,
        "queue": queue,
        "by": "agent",
        "reason": reason,
        "first_response_due": first_response_due,
        "resolution_due": resolution_due,
    });
    let key = format!(
        "escalation.created:{ticket_id}:manual:{}",
        chrono::Utc::now().timestamp_millis()
    );
    db::events::record(
        &mut *tx,
        "escalation.created",
        Some(ticket_id),
        &payload,
        &key,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Sends an open escalation back to the normal flow with the agent's reason; false when it was
/// not open.
pub async fn de_escalate(
    pool: &PgPool,
    ticket_id: i64,
    actor_id: i64,
    reason: &str,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done = db::escalations::de_escalate(&mut tx, ticket_id).await?;
    if done {
        db::activity::add(&mut *tx, ticket_id, Some(actor_id), "de_escalated", reason).await?;
    }
    tx.commit().await?;
    Ok(done)
}
