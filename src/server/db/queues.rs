//! SQL for queues as a team runs them (assignment policy, manager, members, business hours) and
//! for agents' availability and capacity.

use crate::domain::sla::BusinessHours;
use sqlx::types::Json;
use sqlx::{FromRow, PgConnection, PgExecutor};

#[derive(Debug, Clone, FromRow)]
pub struct QueueRow {
    pub name: String,
    pub policy: String,
    pub away_policy: String,
    pub manager_id: Option<i64>,
    pub manager: Option<String>,
    pub last_assignee_id: Option<i64>,
    /// Members' user ids; empty: every agent works the queue.
    pub members: Vec<i64>,
    /// Business hours of its own; None: the team's.
    pub hours: Option<Json<BusinessHours>>,
}

const QUEUE_COLUMNS: &str = "q.name, q.policy, q.away_policy, q.manager_id, m.name AS manager,
    q.last_assignee_id, q.hours,
    coalesce((SELECT array_agg(user_id ORDER BY user_id) FROM queue_members qm WHERE qm.queue = q.name), '{}') AS members";

/// Makes sure the queues exist (a rule may name a new one); existing ones are not touched (an
/// insert that met them would wait for whoever holds their row).
pub async fn ensure(db: impl PgExecutor<'_>, names: &[String]) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO queues (name)
         SELECT n FROM unnest($1::text[]) n WHERE NOT EXISTS (SELECT 1 FROM queues q WHERE q.name = n)
         ON CONFLICT DO NOTHING",
    )
        .bind(names)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<QueueRow>> {
    sqlx::query_as(&format!(
        "SELECT {QUEUE_COLUMNS} FROM queues q LEFT JOIN users m ON m.id = q.manager_id ORDER BY q.name"
    ))
    .fetch_all(db)
    .await
}

/// Open and unassigned-open escalations per queue: (queue, open, waiting).
pub async fn open_counts(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, i64, i64)>> {
    sqlx::query_as(
        "SELECT queue, count(*), count(*) FILTER (WHERE assignee_id IS NULL)
         FROM escalations WHERE status = 'open' GROUP BY queue",
    )
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<Option<QueueRow>> {
    sqlx::query_as(&format!(
        "SELECT {QUEUE_COLUMNS} FROM queues q LEFT JOIN users m ON m.id = q.manager_id WHERE q.name = $1"
    ))
    .bind(name)
    .fetch_optional(db)
    .await
}

/// The queue's policy row, locked for this transaction: assignments of one queue take turns.
pub async fn lock(
    tx: &mut PgConnection,
    name: &str,
) -> sqlx::Result<Option<(String, Option<i64>)>> {
    sqlx::query_as("SELECT policy, last_assignee_id FROM queues WHERE name = $1 FOR UPDATE")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await
}

/// Sets a queue's policies, manager and members (creating the queue if needed).
pub async fn save(
    tx: &mut PgConnection,
    name: &str,
    policy: &str,
    away_policy: &str,
    manager_id: Option<i64>,
    members: &[i64],
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO queues (name, policy, away_policy, manager_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET policy = EXCLUDED.policy,
             away_policy = EXCLUDED.away_policy, manager_id = EXCLUDED.manager_id, updated_at = now()",
    )
    .bind(name)
    .bind(policy)
    .bind(away_policy)
    .bind(manager_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM queue_members WHERE queue = $1")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO queue_members (queue, user_id)
         SELECT $1, id FROM users WHERE id = ANY($2) AND active",
    )
    .bind(name)
    .bind(members)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Gives a queue business hours of its own, or (None) the team's again; false when there is no
/// such queue.
pub async fn set_hours(
    db: impl PgExecutor<'_>,
    name: &str,
    hours: Option<&BusinessHours>,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE queues SET hours = $2, updated_at = now() WHERE name = $1")
        .bind(name)
        .bind(hours.map(Json))
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// The queues that keep business hours of their own.
pub async fn own_hours(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, BusinessHours)>> {
    let rows: Vec<(String, Json<BusinessHours>)> =
        sqlx::query_as("SELECT name, hours FROM queues WHERE hours IS NOT NULL")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(|(name, h)| (name, h.0)).collect())
}

/// Remembers whom a queue gave its last ticket to (round-robin's place).
pub async fn set_last(tx: &mut PgConnection, name: &str, user_id: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE queues SET last_assignee_id = $2 WHERE name = $1")
        .bind(name)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// An agent assignment may pick.
#[derive(Debug, Clone, FromRow)]
pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub capacity: i32,
    #[sqlx(default)]
    pub load: i64,
}

/// Available agents who work `queue` (its members, or every agent when it has none) with their
/// open load, locked in id order so that concurrent assignments in several queues count each
/// agent's load once.
pub async fn candidates(tx: &mut PgConnection, queue: &str) -> sqlx::Result<Vec<CandidateRow>> {
    let mut rows: Vec<CandidateRow> = sqlx::query_as(
        "SELECT u.id, u.name, u.capacity FROM users u
         WHERE u.active AND u.available
           AND CASE WHEN EXISTS (SELECT 1 FROM queue_members m WHERE m.queue = $1)
                    THEN u.id IN (SELECT user_id FROM queue_members m WHERE m.queue = $1)
                    ELSE u.role = 'agent' END
         ORDER BY u.id FOR NO KEY UPDATE OF u",
    )
    .bind(queue)
    .fetch_all(&mut *tx)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let loads: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT assignee_id, count(*) FROM escalations
         WHERE status = 'open' AND assignee_id = ANY($1) GROUP BY assignee_id",
    )
    .bind(&ids)
    .fetch_all(&mut *tx)
    .await?;
    for r in &mut rows {
        r.load = loads
            .iter()
            .find(|(a, _)| *a == r.id)
            .map_or(0, |(_, n)| *n);
    }
    Ok(rows)
}

/// Open, unassigned escalations of a queue, most pressing first, locked (others skip them).
pub async fn waiting(tx: &mut PgConnection, queue: &str, limit: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT ticket_id FROM escalations
         WHERE queue = $1 AND status = 'open' AND assignee_id IS NULL
         ORDER BY due_at, ticket_id LIMIT $2 FOR UPDATE SKIP LOCKED",
    )
    .bind(queue)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await
}

/// Queues with a policy that have unassigned open escalations.
pub async fn with_waiting(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT q.name FROM queues q
         WHERE q.policy <> 'manual'
           AND EXISTS (SELECT 1 FROM escalations e
                       WHERE e.queue = q.name AND e.status = 'open' AND e.assignee_id IS NULL)
         ORDER BY q.name",
    )
    .fetch_all(db)
    .await
}

/// An agent's availability, capacity and time zone.
#[derive(Debug, Clone, FromRow)]
pub struct AgentRow {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub available: bool,
    pub capacity: i32,
    pub time_zone: String,
    /// Open escalations assigned to them.
    pub load: i64,
}

/// Active users with their availability and open load, by name.
pub async fn agents(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<AgentRow>> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.role, u.available, u.capacity, u.time_zone,
                (SELECT count(*) FROM escalations e WHERE e.status = 'open' AND e.assignee_id = u.id) AS load
         FROM users u WHERE u.active ORDER BY u.name",
    )
    .fetch_all(db)
    .await
}

pub async fn agent(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<AgentRow>> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.role, u.available, u.capacity, u.time_zone,
                (SELECT count(*) FROM escalations e WHERE e.status = 'open' AND e.assignee_id = u.id) AS load
         FROM users u WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Sets whether a user is available; true when it changed.
pub async fn set_available(
    tx: &mut PgConnection,
    user_id: i64,
    available: bool,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET available = $2 WHERE id = $1 AND available <> $2")
        .bind(user_id)
        .bind(available)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn set_capacity(
    db: impl PgExecutor<'_>,
    user_id: i64,
    capacity: i32,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE users SET capacity = $2 WHERE id = $1")
        .bind(user_id)
        .bind(capacity)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Gives back an agent's open escalations in queues whose away policy hands them back; the
/// tickets handed back.
pub async fn hand_back(tx: &mut PgConnection, user_id: i64) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "UPDATE escalations e SET assignee_id = NULL, claimed_at = NULL, updated_at = now()
         FROM queues q
         WHERE q.name = e.queue AND q.away_policy = 'hand_back'
           AND e.status = 'open' AND e.assignee_id = $1
         RETURNING e.ticket_id",
    )
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await
}
