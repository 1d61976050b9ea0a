//! Automatic assignment: each queue's waiting escalations go to its available agents under the
//! queue's policy, one queue at a time (its row locked), each in the activity trail.

use crate::domain::assignment::{pick, Candidate, Policy};
use crate::server::db;
use sqlx::PgPool;

/// Tickets one pass assigns per queue at most (the next pass takes the rest).
const BATCH: i64 = 500;

/// Assigns the waiting escalations of `queue`; the (ticket, agent) pairs given. Race-safe: the
/// queue row serialises passes over one queue, the candidates' rows serialise loads across
/// queues, waiting tickets are locked and taken only while still unassigned (a claim wins or
/// loses cleanly).
pub async fn assign_queue(pool: &PgPool, queue: &str) -> sqlx::Result<Vec<(i64, i64)>> {
    let mut tx = pool.begin().await?;
    let Some((policy, mut last)) = db::queues::lock(&mut tx, queue).await? else {
        return Ok(Vec::new());
    };
    let policy = Policy::parse(&policy).unwrap_or_default();
    if policy == Policy::Manual {
        return Ok(Vec::new());
    }
    let rows = db::queues::candidates(&mut tx, queue).await?;
    let mut team: Vec<Candidate> = rows
        .iter()
        .map(|r| Candidate {
            id: r.id,
            load: r.load,
            capacity: r.capacity.into(),
        })
        .collect();
    if !team.iter().any(|c| c.load < c.capacity) {
        return Ok(Vec::new());
    }
    let mut given = Vec::new();
    for ticket in db::queues::waiting(&mut tx, queue, BATCH).await? {
        let Some(user) = pick(policy, &team, last) else {
            break;
        };
        if !db::escalations::take(&mut tx, ticket, user).await? {
            continue;
        }
        let name = rows.iter().find(|r| r.id == user).map_or("", |r| &r.name);
        let body = format!("to {name} ({})", policy.label().to_lowercase());
        db::activity::add(&mut *tx, ticket, None, "assigned", &body).await?;
        if let Some(c) = team.iter_mut().find(|c| c.id == user) {
            c.load += 1;
        }
        last = Some(user);
        given.push((ticket, user));
    }
    if let Some((_, user)) = given.last() {
        db::queues::set_last(&mut tx, queue, *user).await?;
    }
    tx.commit().await?;
    if !given.is_empty() {
        tracing::info!(queue, count = given.len(), "escalations assigned");
    }
    Ok(given)
}

/// One pass over every queue with a policy and waiting tickets; how many were assigned.
pub async fn assign_all(pool: &PgPool) -> sqlx::Result<usize> {
    let mut n = 0;
    for queue in db::queues::with_waiting(pool).await? {
        n += assign_queue(pool, &queue).await?.len();
    }
    Ok(n)
}
