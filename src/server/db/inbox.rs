//! SQL for the inbox list: filtered escalations ordered by the deadline that matters now, and counts.

use crate::domain::inbox::InboxRow;
use sqlx::{PgExecutor, Postgres, QueryBuilder, Row};

/// Inbox filters in database terms.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub queue: Option<String>,
    pub severity: Option<i16>,
    pub product: Option<i64>,
    /// Some(None): unassigned; Some(Some(id)): that user's.
    pub assignee: Option<Option<i64>>,
    pub due: Option<Due>,
    pub sort: Sort,
}

/// Where a deadline stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Breached,
    /// Warned (80% used) and not yet due.
    AtRisk,
}

/// The list's order; every one ends on the ticket id, so pages do not overlap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Due,
    Severity,
    Newest,
    Oldest,
}

impl Sort {
    fn order_by(self) -> &'static str {
        match self {
            Sort::Due => " ORDER BY e.due_at, e.ticket_id",
            Sort::Severity => " ORDER BY e.severity DESC, e.due_at, e.ticket_id",
            Sort::Newest => " ORDER BY t.created_at DESC, e.ticket_id DESC",
            Sort::Oldest => " ORDER BY t.created_at, e.ticket_id",
        }
    }
}

/// Appends ` WHERE ...` with only the filters that are set, so every filter combination gets a
/// plan that can use the matching index (no catch-all `$1 IS NULL OR ...` predicates).
fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, f: &Filter) {
    push_conditions(qb, f, " WHERE ");
}

/// The filter's conditions joined by AND, the first one after `lead`; nothing when none is set.
fn push_conditions(qb: &mut QueryBuilder<'_, Postgres>, f: &Filter, lead: &'static str) {
    let mut sep = lead;
    let mut next = |qb: &mut QueryBuilder<'_, Postgres>| {
        qb.push(sep);
        sep = " AND ";
    };
    if let Some(status) = &f.status {
        next(qb);
        qb.push("e.status = ").push_bind(status.clone());
    }
    if let Some(queue) = &f.queue {
        next(qb);
        qb.push("e.queue = ").push_bind(queue.clone());
    }
    if let Some(severity) = f.severity {
        next(qb);
        qb.push("e.severity = ").push_bind(severity);
    }
    if let Some(product) = f.product {
        next(qb);
        qb.push("t.product_id = ").push_bind(product);
    }
    match f.assignee {
        Some(Some(id)) => {
            next(qb);
            qb.push("e.assignee_id = ").push_bind(id);
        }
        Some(None) => {
            next(qb);
            qb.push("e.assignee_id IS NULL");
        }
        None => {}
    }
    match f.due {
        // A resolved escalation was breached when it was resolved after its due time; only an
        // open one can be at risk.
        Some(Due::Breached) => {
            next(qb);
            qb.push("e.due_at < coalesce(e.resolved_at, now())");
        }
        Some(Due::AtRisk) => {
            next(qb);
            qb.push("e.status = 'open' AND e.warn_at <= now() AND e.due_at >= now()");
        }
        None => {}
    }
}

/// One page of the inbox, most pressing deadline first (breached ones are already past due).
pub async fn list(
    db: impl PgExecutor<'_>,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<InboxRow>> {
    let mut qb = QueryBuilder::new(
        "SELECT e.ticket_id, t.subject, c.name AS customer, p.name AS product, t.priority,
                e.severity, e.queue, u.name AS assignee, e.status, e.due_at,
                (SELECT string_agg(r->>'name', ', ') FROM jsonb_array_elements(e.reasons) r) AS rules,
                t.created_at, e.warn_at
         FROM escalations e
         JOIN tickets t ON t.id = e.ticket_id
         LEFT JOIN customers c ON c.id = t.customer_id
         LEFT JOIN products p ON p.id = t.product_id
         LEFT JOIN users u ON u.id = e.assignee_id",
    );
    push_filters(&mut qb, f);
    qb.push(f.sort.order_by());
    qb.push(" LIMIT ").push_bind(limit);
    qb.push(" OFFSET ").push_bind(offset);
    qb.build_query_as().fetch_all(db).await
}

/// How many escalations match the filters.
pub async fn count(db: impl PgExecutor<'_>, f: &Filter) -> sqlx::Result<i64> {
    // The join is needed only to filter by product.
    let mut qb = QueryBuilder::new(if f.product.is_some() {
        "SELECT count(*) FROM escalations e JOIN tickets t ON t.id = e.ticket_id"
    } else {
        "SELECT count(*) FROM escalations e"
    });
    push_filters(&mut qb, f);
    qb.build_query_scalar().fetch_one(db).await
}

/// How many escalations match each filter, in one scan (a user's saved views, counted on every
/// inbox load without taking a connection each).
pub async fn count_each(db: impl PgExecutor<'_>, filters: &[Filter]) -> sqlx::Result<Vec<i64>> {
    if filters.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::new("SELECT ");
    for (i, f) in filters.iter().enumerate() {
        if i > 0 {
            qb.push(", ");
        }
        qb.push("count(*) FILTER (WHERE true");
        push_conditions(&mut qb, f, " AND ");
        qb.push(")");
    }
    qb.push(if filters.iter().any(|f| f.product.is_some()) {
        " FROM escalations e JOIN tickets t ON t.id = e.ticket_id"
    } else {
        " FROM escalations e"
    });
    // Views of open escalations only (the usual case) read the open ones only.
    if filters.iter().all(|f| f.status.as_deref() == Some("open")) {
        qb.push(" WHERE e.status = 'open'");
    }
    let row = qb.build().fetch_one(db).await?;
    (0..filters.len())
        .map(|i| row.try_get::<i64, _>(i))
        .collect()
}

/// Open escalations of one queue: all, breached, unassigned, the user's own.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueCounts {
    pub queue: String,
    pub open: i64,
    pub breached: i64,
    pub unassigned: i64,
    pub mine: i64,
}

/// Counts per queue in one scan of the open escalations; the page sums them.
pub async fn queue_counts(db: impl PgExecutor<'_>, user_id: i64) -> sqlx::Result<Vec<QueueCounts>> {
    sqlx::query_as(
        "SELECT queue, count(*) AS open,
                count(*) FILTER (WHERE due_at < now()) AS breached,
                count(*) FILTER (WHERE assignee_id IS NULL) AS unassigned,
                count(*) FILTER (WHERE assignee_id = $1) AS mine
         FROM escalations WHERE status = 'open' GROUP BY queue ORDER BY queue",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

/// Active users who can work escalations, for the assign menu.
pub async fn agents(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(i64, String)>> {
    sqlx::query_as("SELECT id, name FROM users WHERE active ORDER BY name")
        .fetch_all(db)
        .await
}
