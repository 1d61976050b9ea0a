//! The SLA sweep: open escalations whose deadline is at risk (80% of its business time used) or
//! breached take that step once — the mark, the line in the activity trail, the in-app
//! notifications, the e-mails and the webhook event in one transaction, so a killed worker
//! neither loses a step nor repeats one.

use crate::server::db;
use crate::server::mail::MailSettings;
use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgConnection, PgPool};

/// Escalations one step handles per pass at most (the next pass takes the rest).
pub const BATCH: i64 = 1000;

/// How many escalations a pass warned about and found breached.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub warned: usize,
    pub breached: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Warning,
    Breached,
}

impl Step {
    fn event(self) -> &'static str {
        match self {
            Step::Warning => "sla.warning",
            Step::Breached => "sla.breached",
        }
    }

    fn activity(self) -> &'static str {
        match self {
            Step::Warning => "sla_warning",
            Step::Breached => "sla_breached",
        }
    }
}

#[derive(Debug, FromRow)]
struct Due {
    ticket_id: i64,
    queue: String,
    assignee_id: Option<i64>,
    due_at: DateTime<Utc>,
    /// "first response" or "resolution".
    deadline: String,
    subject: String,
}

/// One pass: breaches first (a ticket breached before it was warned is told once, of the
/// breach), then warnings.
pub async fn sweep(pool: &PgPool, mail: Option<&MailSettings>) -> anyhow::Result<Swept> {
    let breached = step(pool, Step::Breached, mail).await?;
    let warned = step(pool, Step::Warning, mail).await?;
    Ok(Swept { warned, breached })
}

async fn step(pool: &PgPool, step: Step, mail: Option<&MailSettings>) -> anyhow::Result<usize> {
    let mut tx = pool.begin().await?;
    // Each step reads its partial index in its own order: only escalations with that step still
    // to take are in it, so a pass with nothing to tell reads nothing.
    let (due, order, mark) = match step {
        Step::Breached => (
            "breached_due IS DISTINCT FROM due_at AND due_at <= now()",
            "due_at",
            "breached_due = e.due_at, warned_due = e.due_at",
        ),
        Step::Warning => (
            "warned_due IS DISTINCT FROM due_at AND warn_at <= now() AND due_at > now()",
            "warn_at",
            "warned_due = e.due_at",
        ),
    };
    let rows: Vec<Due> = sqlx::query_as(&format!(
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
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    tell(&mut tx, step, &rows, mail).await?;
    tx.commit().await?;
    tracing::info!(step = step.event(), count = rows.len(), "SLA step taken");
    Ok(rows.len())
}

#[derive(Debug, FromRow)]
struct Person {
    id: i64,
    name: String,
    email: String,
}

/// Who hears of a step: a warning goes to the assignee (the queue's manager when nobody holds
/// the ticket); a breach to the assignee and the manager.
fn recipients(step: Step, assignee: Option<i64>, manager: Option<i64>) -> Vec<i64> {
    let mut out: Vec<i64> = match step {
        Step::Warning => assignee.or(manager).into_iter().collect(),
        Step::Breached => assignee.into_iter().chain(manager).collect(),
    };
    out.dedup();
    out
}

async fn tell(
    tx: &mut PgConnection,
    step: Step,
    rows: &[Due],
    mail: Option<&MailSettings>,
) -> anyhow::Result<()> {
    let queues: Vec<String> = rows.iter().map(|r| r.queue.clone()).collect();
    let managers: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT name, manager_id FROM queues WHERE name = ANY($1)")
            .bind(&queues)
            .fetch_all(&mut *tx)
            .await?;
    let manager = |queue: &str| {
        managers
            .iter()
            .find(|(q, _)| q == queue)
            .and_then(|(_, m)| *m)
    };
    // Everyone who might be told; inactive users are passed over (a warning then goes to the
    // manager instead).
    let ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.assignee_id, manager(&r.queue)])
        .flatten()
        .collect();
    let people: Vec<Person> =
        sqlx::query_as("SELECT id, name, email FROM users WHERE id = ANY($1) AND active")
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?;
    for r in rows {
        let due = r.due_at.format("%Y-%m-%d %H:%M UTC");
        let headline = match step {
            Step::Warning => format!(
                "At risk: the {} of ticket #{} is due {due}",
                r.deadline, r.ticket_id
            ),
            Step::Breached => format!(
                "Breached: the {} of ticket #{} was due {due}",
                r.deadline, r.ticket_id
            ),
        };
        let active = |id: Option<i64>| id.filter(|i| people.iter().any(|p| p.id == *i));
        let told: Vec<&Person> = recipients(step, active(r.assignee_id), active(manager(&r.queue)))
            .into_iter()
            .filter_map(|id| people.iter().find(|p| p.id == id))
            .collect();
        let names: Vec<&str> = told.iter().map(|p| p.name.as_str()).collect();
        let trail = if names.is_empty() {
            format!("{headline}; nobody to tell (no assignee, no queue manager)")
        } else {
            format!("{headline}; told {}", names.join(", "))
        };
        db::activity::add(&mut *tx, r.ticket_id, None, step.activity(), &trail).await?;
        for p in &told {
            sqlx::query(
                "INSERT INTO notifications (user_id, ticket_id, kind, body) VALUES ($1, $2, $3, $4)",
            )
            .bind(p.id)
            .bind(r.ticket_id)
            .bind(step.event())
            .bind(&headline)
            .execute(&mut *tx)
            .await?;
            if let Some(m) = mail {
                let stamp = r.due_at.timestamp();
                let message_id = format!(
                    "<tl-{}-{}-{stamp}-{}@{}>",
                    step.event(),
                    r.ticket_id,
                    p.id,
                    m.from.email.domain()
                );
                let body = format!(
                    "{headline}.\n\nTicket: {}\nQueue: {}\n\nOpen it: {}/tickets/{}#escalation\n",
                    r.subject, r.queue, m.public_url, r.ticket_id
                );
                sqlx::query(
                    "INSERT INTO emails (kind, ticket_id, to_address, subject, body, message_id)
                     VALUES ('sla', $1, $2, $3, $4, $5) ON CONFLICT (message_id) DO NOTHING",
                )
                .bind(r.ticket_id)
                .bind(&p.email)
                .bind(format!("[TicketLens] {headline}"))
                .bind(body)
                .bind(message_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        let payload = serde_json::json!({
            "ticket_id": r.ticket_id,
            "queue": r.queue,
            "deadline": r.deadline,
            "due_at": r.due_at,
            "assignee_id": r.assignee_id,
            "notified": told.iter().map(|p| p.id).collect::<Vec<_>>(),
        });
        let key = format!("{}:{}:{}", step.event(), r.ticket_id, r.due_at.timestamp());
        db::events::record(&mut *tx, step.event(), Some(r.ticket_id), &payload, &key).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_go_to_the_holder_and_breaches_climb_to_the_manager() {
        assert_eq!(recipients(Step::Warning, Some(1), Some(9)), [1]);
        assert_eq!(recipients(Step::Warning, None, Some(9)), [9]);
        assert_eq!(recipients(Step::Breached, Some(1), Some(9)), [1, 9]);
        assert_eq!(recipients(Step::Breached, Some(9), Some(9)), [9]);
        assert!(recipients(Step::Warning, None, None).is_empty());
    }
}
