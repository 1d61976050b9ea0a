//! SQL for the escalation life cycle: opening from decisions, claiming, assigning, resolving, reopening (the activity trail and events are written by the callers).

use crate::domain::escalation::{Decision, FiredRule};
use crate::domain::inbox::EscalationView;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, PgExecutor};

/// The queue of an escalation whose rule names none.
pub const DEFAULT_QUEUE: &str = "general";

/// A decision to open in the inbox, with its SLA due times.
pub struct NewEscalation<'a> {
    pub ticket_id: i64,
    pub decision: &'a Decision,
    pub first_response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
    /// When each deadline is at risk (the sweep warns then).
    pub first_response_warn: DateTime<Utc>,
    pub resolution_warn: DateTime<Utc>,
}

impl NewEscalation<'_> {
    /// The queue the rules chose, or `general`.
    pub fn queue(&self) -> String {
        self.decision
            .queue
            .clone()
            .unwrap_or_else(|| DEFAULT_QUEUE.into())
    }
}

/// Opens an inbox entry for a ticket that still needs work; None when the ticket is closed or
/// already escalated.
pub async fn insert(tx: &mut PgConnection, item: &NewEscalation<'_>) -> sqlx::Result<Option<i64>> {
    let d = item.decision;
    sqlx::query_scalar(
        "INSERT INTO escalations (ticket_id, queue, severity, rule_version, reasons,
                                  first_response_due, resolution_due, first_response_at,
                                  first_response_warn, resolution_warn)
         SELECT t.id, $2, $3, $4, $5, $6, $7, t.first_response_at, $8, $9
         FROM tickets t WHERE t.id = $1 AND t.status IN ('open', 'pending')
         ON CONFLICT (ticket_id) DO NOTHING
         RETURNING ticket_id",
    )
    .bind(item.ticket_id)
    .bind(item.queue())
    .bind(d.severity.map_or(1, |s| s.rank()))
    .bind(d.rule_version)
    .bind(Json(&d.fired))
    .bind(item.first_response_due)
    .bind(item.resolution_due)
    .bind(item.first_response_warn)
    .bind(item.resolution_warn)
    .fetch_optional(&mut *tx)
    .await
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
    origin: String,
}

/// A ticket's escalation and the rules that fired, when it was escalated.
pub async fn get(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
) -> sqlx::Result<Option<(EscalationView, Vec<FiredRule>)>> {
    let row: Option<EscalationRow> = sqlx::query_as(
        "SELECT e.status, e.queue, e.severity, e.assignee_id, u.name AS assignee,
                e.first_response_due, e.resolution_due, e.first_response_at, e.due_at, e.verdict,
                e.rule_version, e.reasons, e.origin
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
                origin: r.origin,
            },
            r.reasons.0,
        )
    }))
}

/// Who holds a ticket, when someone does.
/// An escalation's status and assignee, when it exists.
pub async fn state(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
) -> sqlx::Result<Option<(String, Option<i64>)>> {
    sqlx::query_as("SELECT status, assignee_id FROM escalations WHERE ticket_id = $1")
        .bind(ticket_id)
        .fetch_optional(db)
        .await
}

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

/// Takes an open, unassigned escalation for `user_id` atomically: of two agents at once, exactly
/// one gets true.
pub async fn take(tx: &mut PgConnection, ticket_id: i64, user_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE escalations SET assignee_id = $2, claimed_at = now(), updated_at = now()
         WHERE ticket_id = $1 AND status = 'open' AND assignee_id IS NULL",
    )
    .bind(ticket_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Sets or clears the assignee of an open escalation; false when it is not open.
pub async fn set_assignee(
    tx: &mut PgConnection,
    ticket_id: i64,
    assignee_id: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE escalations SET assignee_id = $2, claimed_at = CASE WHEN $2::bigint IS NULL
                                THEN NULL ELSE now() END, updated_at = now()
         WHERE ticket_id = $1 AND status = 'open'",
    )
    .bind(ticket_id)
    .bind(assignee_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Resolves an open escalation with the agent's verdict (did it need a person?) and its ticket;
/// false when it was not open.
pub async fn mark_resolved(
    tx: &mut PgConnection,
    ticket_id: i64,
    verdict: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE escalations SET status = 'resolved', verdict = $2, resolved_at = now(),
                                updated_at = now()
         WHERE ticket_id = $1 AND status = 'open'",
    )
    .bind(ticket_id)
    .bind(verdict)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE tickets SET status = 'resolved', resolved_at = greatest(now(), created_at)
         WHERE id = $1",
    )
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

/// Reopens a resolved escalation and its ticket; false when it was not resolved.
pub async fn mark_reopened(
    tx: &mut PgConnection,
    ticket_id: i64,
    written_at: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE escalations SET status = 'open', resolved_at = NULL, verdict = NULL,
                                updated_at = now(),
                                -- A deadline that passed while it was resolved is not announced
                                -- after the fact.
                                warned_due = CASE WHEN warn_at <= now() THEN due_at ELSE warned_due END,
                                breached_due = CASE WHEN due_at <= now() THEN due_at ELSE breached_due END
         WHERE ticket_id = $1 AND status = 'resolved' AND coalesce(resolved_at <= $2, true)",
    )
    .bind(ticket_id)
    .bind(written_at)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE tickets SET status = 'open', resolved_at = NULL WHERE id = $1")
        .bind(ticket_id)
        .execute(&mut *tx)
        .await?;
    Ok(true)
}

/// An escalation by hand, with its SLA deadlines.
pub struct ManualEscalation<'a> {
    pub ticket_id: i64,
    pub queue: &'a str,
    pub severity: i16,
    pub first_response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
    pub first_response_warn: DateTime<Utc>,
    pub resolution_warn: DateTime<Utc>,
}

/// Escalates a ticket by hand, or again after it was sent back: open, unassigned, with the
/// agent's verdict that it needs a person. False when the ticket is closed or already open in the
/// inbox.
pub async fn escalate_by_hand(
    tx: &mut PgConnection,
    m: &ManualEscalation<'_>,
) -> sqlx::Result<bool> {
    let done: Option<i64> = sqlx::query_scalar(
        "INSERT INTO escalations (ticket_id, queue, severity, origin, verdict, reasons,
                                  first_response_due, resolution_due, first_response_at,
                                  first_response_warn, resolution_warn)
         SELECT t.id, $2, $3, 'manual', true, '[]', $4, $5, t.first_response_at, $6, $7
         FROM tickets t WHERE t.id = $1 AND t.status IN ('open', 'pending')
         ON CONFLICT (ticket_id) DO UPDATE SET
             status = 'open', queue = EXCLUDED.queue, severity = EXCLUDED.severity,
             origin = 'manual', verdict = true, assignee_id = NULL, claimed_at = NULL,
             first_response_due = EXCLUDED.first_response_due,
             resolution_due = EXCLUDED.resolution_due,
             first_response_warn = EXCLUDED.first_response_warn,
             resolution_warn = EXCLUDED.resolution_warn,
             warned_due = NULL, breached_due = NULL, resolved_at = NULL, updated_at = now()
         WHERE escalations.status <> 'open'
         RETURNING ticket_id",
    )
    .bind(m.ticket_id)
    .bind(m.queue)
    .bind(m.severity)
    .bind(m.first_response_due)
    .bind(m.resolution_due)
    .bind(m.first_response_warn)
    .bind(m.resolution_warn)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(done.is_some())
}

/// Sends an open escalation back to the normal flow with the agent's verdict that it did not
/// need a person; false when it was not open.
pub async fn de_escalate(tx: &mut PgConnection, ticket_id: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE escalations SET status = 'de_escalated', verdict = false, assignee_id = NULL,
                                claimed_at = NULL, resolved_at = now(), updated_at = now()
         WHERE ticket_id = $1 AND status = 'open'",
    )
    .bind(ticket_id)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() > 0)
}
