//! SQL for the inbox list: filtered escalations ordered by the deadline that matters now, and counts.

use crate::features::inbox::{InboxCounts, InboxRow};
use sqlx::PgExecutor;

/// Inbox filters in database terms.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub queue: Option<String>,
    pub severity: Option<i16>,
    pub product: Option<i64>,
    /// Some(None): unassigned; Some(Some(id)): that user's.
    pub assignee: Option<Option<i64>>,
}

const WHERE: &str = "
    WHERE ($1::text IS NULL OR e.status = $1)
      AND ($2::text IS NULL OR e.queue = $2)
      AND ($3::smallint IS NULL OR e.severity = $3)
      AND ($4::bigint IS NULL OR t.product_id = $4)
      AND (NOT $5::bool OR e.assignee_id IS NOT DISTINCT FROM $6::bigint)";

fn bind<'q>(
    q: sqlx::query::QueryAs<'q, sqlx::Postgres, InboxRow, sqlx::postgres::PgArguments>,
    f: &'q Filter,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, InboxRow, sqlx::postgres::PgArguments> {
    q.bind(&f.status)
        .bind(&f.queue)
        .bind(f.severity)
        .bind(f.product)
        .bind(f.assignee.is_some())
        .bind(f.assignee.flatten())
}

/// One page of the inbox, most pressing deadline first (breached ones are already past due).
pub async fn list(
    db: impl PgExecutor<'_>,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<InboxRow>> {
    let sql = format!(
        "SELECT e.ticket_id, t.subject, c.name AS customer, p.name AS product, t.priority,
                e.severity, e.queue, u.name AS assignee, e.status, e.due_at,
                (SELECT string_agg(r->>'name', ', ') FROM jsonb_array_elements(e.reasons) r) AS rules,
                t.created_at
         FROM escalations e
         JOIN tickets t ON t.id = e.ticket_id
         LEFT JOIN customers c ON c.id = t.customer_id
         LEFT JOIN products p ON p.id = t.product_id
         LEFT JOIN users u ON u.id = e.assignee_id
         {WHERE}
         ORDER BY e.due_at, e.ticket_id
         LIMIT $7 OFFSET $8"
    );
    bind(sqlx::query_as(&sql), f)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await
}

/// How many escalations match the filters.
pub async fn count(db: impl PgExecutor<'_>, f: &Filter) -> sqlx::Result<i64> {
    let sql =
        format!("SELECT count(*) FROM escalations e JOIN tickets t ON t.id = e.ticket_id {WHERE}");
    sqlx::query_scalar(&sql)
        .bind(&f.status)
        .bind(&f.queue)
        .bind(f.severity)
        .bind(f.product)
        .bind(f.assignee.is_some())
        .bind(f.assignee.flatten())
        .fetch_one(db)
        .await
}

/// Open, breached, unassigned and the user's own open escalations.
pub async fn counts(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<InboxCounts> {
    sqlx::query_as(
        "SELECT count(*) AS open,
                count(*) FILTER (WHERE due_at < now()) AS breached,
                count(*) FILTER (WHERE assignee_id IS NULL) AS unassigned,
                count(*) FILTER (WHERE assignee_id = $1) AS mine
         FROM escalations WHERE status = 'open'",
    )
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// Open escalations per queue.
pub async fn queues(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT queue, count(*) FILTER (WHERE status = 'open') FROM escalations
         GROUP BY queue ORDER BY queue",
    )
    .fetch_all(db)
    .await
}

/// Active users who can work escalations, for the assign menu.
pub async fn agents(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM users WHERE active ORDER BY name")
        .fetch_all(db)
        .await
}
