//! SQL for the escalation life cycle: opening from decisions, claiming, assigning, resolving, reopening.

use crate::domain::escalation::{Decision, FiredRule};
use crate::domain::inbox::EscalationView;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor, PgPool};

/// A decision to open in the inbox, with its SLA due times.
pub struct NewEscalation<'a> {
    pub ticket_id: i64,
    pub decision: &'a Decision,
    pub first_response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
}

/// Opens inbox entries for tickets that still need work, each with an "escalated" activity and
/// an `escalation.created` event; tickets already escalated are left alone. Returns the ticket
/// ids that were opened.
pub async fn open(tx: &mut PgConnection, items: &[NewEscalation<'_>]) -> sqlx::Result<Vec<i64>> {
    let mut opened = Vec::new();
    for item in items {
        let d = item.decision;
        let severity = d.severity.map_or(1, |s| s.rank());
        let queue = d.queue.clone().unwrap_or_else(|| "general".into());
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO escalations (ticket_id, queue, severity, rule_version, reasons,
                                      first_response_due, resolution_due, first_response_at)
             SELECT t.id, $2, $3, $4, $5, $6, $7, t.first_response_at
             FROM tickets t WHERE t.id = $1 AND t.status IN ('open', 'pending')
             ON CONFLICT (ticket_id) DO NOTHING
             RETURNING ticket_id",
        )
        .bind(item.ticket_id)
        .bind(&queue)
        .bind(severity)
        .bind(d.rule_version)
        .bind(Json(&d.fired))
        .bind(item.first_response_due)
        .bind(item.resolution_due)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else { continue };
        let names: Vec<&str> = d.fired.iter().map(|f| f.name.as_str()).collect();
        super::activity::add(&mut *tx, id, None, "escalated", &names.join(", ")).await?;
        let payload = serde_json::json!({
            "ticket_id": id,
            "queue": queue,
            "severity": d.severity.map(|s| s.as_str()),
            "rule_version": d.rule_version,
            "rules": names,
            "first_response_due": item.first_response_due,
            "resolution_due": item.resolution_due,
        });
        super::events::record(
            &mut *tx,
            "escalation.created",
            Some(id),
            &payload,
            &format!("escalation.created:{id}"),
        )
        .await?;
        opened.push(id);
    }
    Ok(opened)
}

#[derive(sqlx::FromRow)]
struct EscalationRow {
    status: String,
    queue: String,
    severity: i16,
    assignee_id: Option<i64>,
    assignee: Option<String>,
    first_response_due: DateTime<Utc>,
    resolution_due: DateTime<Utc>,
    first_response_at: Option<DateTime<Utc>>,
    due_at: DateTime<Utc>,
    verdict: Option<bool>,
    rule_version: Option<i32>,
    reasons: Json<Vec<FiredRule>>,
}

/// A ticket's escalation and the rules that fired, when it was escalated.
pub async fn get(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
) -> sqlx::Result<Option<(EscalationView, Vec<FiredRule>)>> {
    let row: Option<EscalationRow> = sqlx::query_as(
        "SELECT e.status, e.queue, e.severity, e.assignee_id, u.name AS assignee,
                e.first_response_due, e.resolution_due, e.first_response_at, e.due_at, e.verdict,
                e.rule_version, e.reasons
         FROM escalations e LEFT JOIN users u ON u.id = e.assignee_id
         WHERE e.ticket_id = $1",
    )
    .bind(ticket_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        (
            EscalationView {
                status: r.status,
                queue: r.queue,
                severity: r.severity,
                assignee_id: r.assignee_id,
                assignee: r.assignee,
                first_response_due: r.first_response_due,
                resolution_due: r.resolution_due,
                first_response_at: r.first_response_at,
                due_at: r.due_at,
                verdict: r.verdict,
                rule_version: r.rule_version,
            },
            r.reasons.0,
        )
    }))
}

/// Who holds a ticket, when someone does.
pub async fn holder(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
) -> sqlx::Result<Option<(i64, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.name FROM escalations e JOIN users u ON u.id = e.assignee_id
         WHERE e.ticket_id = $1",
    )
    .bind(ticket_id)
    .fetch_optional(db)
    .await
}

/// The outcome of a claim.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    Claimed,
    /// Someone else holds it (their name).
    Taken(String),
    NotFound,
}

/// Claims an open, unassigned escalation atomically: of two agents at once, exactly one wins.
pub async fn claim(pool: &PgPool, ticket_id: i64, user_id: i64) -> sqlx::Result<Claim> {
    let mut tx = pool.begin().await?;
    let won = sqlx::query(
        "UPDATE escalations SET assignee_id = $2, claimed_at = now(), updated_at = now()
         WHERE ticket_id = $1 AND status = 'open' AND assignee_id IS NULL",
    )
    .bind(ticket_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if won {
        super::activity::add(&mut *tx, ticket_id, Some(user_id), "claimed", "").await?;
        tx.commit().await?;
        return Ok(Claim::Claimed);
    }
    drop(tx);
    Ok(match holder(pool, ticket_id).await? {
        Some((id, _)) if id == user_id => Claim::Claimed,
        Some((_, name)) => Claim::Taken(name),
        None => Claim::NotFound,
    })
}

/// Sets or clears the assignee (unclaim, assign to another agent); records who did it.
pub async fn assign(
    pool: &PgPool,
    ticket_id: i64,
    actor_id: i64,
    assignee: Option<(i64, &str)>,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(
        "UPDATE escalations SET assignee_id = $2, claimed_at = CASE WHEN $2::bigint IS NULL
                                THEN NULL ELSE now() END, updated_at = now()
         WHERE ticket_id = $1 AND status = 'open'",
    )
    .bind(ticket_id)
    .bind(assignee.map(|(id, _)| id))
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if done {
        let (kind, body) = match assignee {
            Some((_, name)) => ("assigned", format!("to {name}")),
            None => ("unclaimed", String::new()),
        };
        super::activity::add(&mut *tx, ticket_id, Some(actor_id), kind, &body).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Resolves an open escalation with the agent's verdict (did it need a person?) and resolves
/// the ticket; false when it was not open.
pub async fn resolve(
    pool: &PgPool,
    ticket_id: i64,
    actor_id: i64,
    verdict: bool,
    note: &str,
) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(
        "UPDATE escalations SET status = 'resolved', verdict = $2, resolved_at = now(),
                                updated_at = now()
         WHERE ticket_id = $1 AND status = 'open'",
    )
    .bind(ticket_id)
    .bind(verdict)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if done {
        sqlx::query(
            "UPDATE tickets SET status = 'resolved', resolved_at = greatest(now(), created_at)
             WHERE id = $1",
        )
        .bind(ticket_id)
        .execute(&mut *tx)
        .await?;
        let body = if verdict {
            note.to_string()
        } else {
            format!("did not need escalation. {note}")
        };
        super::activity::add(&mut *tx, ticket_id, Some(actor_id), "resolved", body.trim()).await?;
    }
    tx.commit().await?;
    Ok(done)
}

/// Reopens a resolved escalation (and its ticket).
pub async fn reopen(pool: &PgPool, ticket_id: i64, actor_id: i64) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(
        "UPDATE escalations SET status = 'open', resolved_at = NULL, verdict = NULL,
                                updated_at = now()
         WHERE ticket_id = $1 AND status = 'resolved'",
    )
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if done {
        sqlx::query("UPDATE tickets SET status = 'open', resolved_at = NULL WHERE id = $1")
            .bind(ticket_id)
            .execute(&mut *tx)
            .await?;
        super::activity::add(&mut *tx, ticket_id, Some(actor_id), "reopened", "").await?;
    }
    tx.commit().await?;
    Ok(done)
}
