//! The SLA sweep: open escalations whose deadline is at risk (80% of its business time used) or
//! breached take that step once — the mark, the line in the activity trail, the in-app
//! notifications, the e-mails and the webhook event in one transaction, so a killed worker
//! neither loses a step nor repeats one.

use crate::server::db;
use crate::server::mail::MailSettings;
use sqlx::{PgConnection, PgPool};

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

/// One pass: breaches first (a ticket breached before it was warned is told once, of the
/// breach), then warnings.
pub async fn sweep(pool: &PgPool, mail: Option<&MailSettings>) -> anyhow::Result<Swept> {
    let breached = step(pool, Step::Breached, mail).await?;
    let warned = step(pool, Step::Warning, mail).await?;
    Ok(Swept { warned, breached })
}

async fn step(pool: &PgPool, step: Step, mail: Option<&MailSettings>) -> anyhow::Result<usize> {
    let mut tx = pool.begin().await?;
    let rows = db::sla_steps::mark(&mut tx, step == Step::Breached, BATCH).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    tell(&mut tx, step, &rows, mail).await?;
    tx.commit().await?;
    tracing::info!(step = step.event(), count = rows.len(), "SLA step taken");
    Ok(rows.len())
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
    rows: &[db::sla_steps::Due],
    mail: Option<&MailSettings>,
) -> anyhow::Result<()> {
    let queues: Vec<String> = rows.iter().map(|r| r.queue.clone()).collect();
    let managers = db::sla_steps::managers(&mut *tx, &queues).await?;
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
    let people = db::sla_steps::active_people(&mut *tx, &ids).await?;
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
        let told: Vec<&db::sla_steps::Person> =
            recipients(step, active(r.assignee_id), active(manager(&r.queue)))
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
            db::sla_steps::notify(&mut *tx, p.id, r.ticket_id, step.event(), &headline).await?;
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
                let subject = format!("[TicketLens] {headline}");
                let email = db::sla_steps::StepEmail {
                    ticket_id: r.ticket_id,
                    to: &p.email,
                    subject: &subject,
                    body: &body,
                    message_id: &message_id,
                };
                db::sla_steps::queue_email(&mut *tx, &email).await?;
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
