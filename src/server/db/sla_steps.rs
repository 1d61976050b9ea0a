//! SQL for the SLA sweep's steps: marking the escalations whose deadline came at risk or passed,
//! and what the step tells (in-app notifications, e-mails to people of the team).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection};

/// An escalation whose step was just marked.
#[derive(Debug, FromRow)]
pub struct Due {
    pub ticket_id: i64,
    pub queue: String,
    pub assignee_id: Option<i64>,
    pub due_at: DateTime<Utc>,
    /// "first response" or "resolution".
    pub deadline: String,
    pub subject: String,
}

/// A person a step may tell.
#[derive(Debug, FromRow)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// Marks up to `limit` open escalations whose deadline is breached (`breach`) or at risk, and
/// returns them. Each step reads its partial index in its own order: only escalations with that
/// step still to take are in it, so a pass with nothing to tell reads nothing. A breach also marks
/// the warning as taken.
pub async fn mark(tx: &mut PgConnection, breach: bool, limit: i64) -> sqlx::Result<Vec<Due>> {
    let (due, order, mark) = if breach {
        (
            "breached_due IS DISTINCT FROM due_at AND due_at <= now()",
            "due_at",
            "breached_due = e.due_at, warned_due = e.due_at",
        )
    } else {
        (
            "warned_due IS DISTINCT FROM due_at AND warn_at <= now() AND due_at > now()",
            "warn_at",
            "warned_due = e.due_at",
        )
    };
    sqlx::query_as(&format!(
        "WITH picked AS (
             SELECT ticket_id FROM escalations
             WHERE status = 'open' AND {due}
             ORDER BY {order} LIMIT $1 FOR UPDATE SKIP LOCKED)
         UPDATE escalations e SET {mark}
         FROM picked p, tickets t
         WHERE e.ticket_id = p.ticket_id AND t.id = e.ticket_id
         RETURNING e.ticket_id, e.queue, e.assignee_id, e.due_at,
                   CASE WHEN e.first_response_at IS NULL AND e.first_response_due <= e.resolution_due
                        THEN 'first response' ELSE 'resolution' END AS deadline,
                   t.subject"
    ))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await
}

/// The managers of `queues`: (queue, manager id).
pub async fn managers(
    tx: &mut PgConnection,
    queues: &[String],
) -> sqlx::Result<Vec<(String, Option<i64>)>> {
    sqlx::query_as("SELECT name, manager_id FROM queues WHERE name = ANY($1)")
        .bind(queues)
        .fetch_all(&mut *tx)
        .await
}

/// The active users among `ids`.
pub async fn active_people(tx: &mut PgConnection, ids: &[i64]) -> sqlx::Result<Vec<Person>> {
    sqlx::query_as("SELECT id, name, email FROM users WHERE id = ANY($1) AND active")
        .bind(ids)
        .fetch_all(&mut *tx)
        .await
}

/// An in-app notification of a step for one user.
pub async fn notify(
    tx: &mut PgConnection,
    user_id: i64,
    ticket_id: i64,
    kind: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO notifications (user_id, ticket_id, kind, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(ticket_id)
    .bind(kind)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A step's e-mail to one person of the team (once per message id).
pub struct StepEmail<'a> {
    pub ticket_id: i64,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub message_id: &'a str,
}

pub async fn queue_email(tx: &mut PgConnection, m: &StepEmail<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO emails (kind, ticket_id, to_address, subject, body, message_id)
         VALUES ('sla', $1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(m.ticket_id)
    .bind(m.to)
    .bind(m.subject)
    .bind(m.body)
    .bind(m.message_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
