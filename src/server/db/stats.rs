//! SQL for the Overview figures (raw aggregates; rollup tables replace these at scale).

use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};

#[derive(Debug, FromRow)]
pub struct Totals {
    pub total: i64,
    pub open: i64,
    pub last_30_days: i64,
    pub previous_30_days: i64,
    pub avg_csat: Option<f64>,
}

pub async fn totals(db: impl PgExecutor<'_>) -> sqlx::Result<Totals> {
    sqlx::query_as(
        "SELECT count(*) AS total,
                count(*) FILTER (WHERE status IN ('open', 'pending')) AS open,
                count(*) FILTER (WHERE created_at >= now() - interval '30 days') AS last_30_days,
                count(*) FILTER (WHERE created_at >= now() - interval '60 days'
                                   AND created_at < now() - interval '30 days') AS previous_30_days,
                avg(csat)::float8 AS avg_csat
         FROM tickets",
    )
    .fetch_one(db)
    .await
}

/// Tickets per day over the last `days` days up to the newest ticket, with empty days as 0.
pub async fn daily_volume(
    db: impl PgExecutor<'_>,
    days: i32,
) -> sqlx::Result<Vec<(NaiveDate, i64)>> {
    sqlx::query_as(
        "WITH bounds AS (SELECT (max(created_at) AT TIME ZONE 'UTC')::date AS last FROM tickets),
              days AS (SELECT generate_series(last - ($1 - 1), last, interval '1 day')::date AS day FROM bounds)
         SELECT d.day, count(t.id) AS n
         FROM days d
         LEFT JOIN tickets t ON t.created_at >= d.day::timestamp AT TIME ZONE 'UTC'
                            AND t.created_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
         GROUP BY d.day ORDER BY d.day",
    )
    .bind(days)
    .fetch_all(db)
    .await
}

/// A column the Overview breaks counts down by.
#[derive(Debug, Clone, Copy)]
pub enum Dimension {
    Channel,
    Priority,
    Status,
}

pub async fn breakdown(
    db: impl PgExecutor<'_>,
    dim: Dimension,
) -> sqlx::Result<Vec<(String, i64)>> {
    let sql = match dim {
        Dimension::Channel => "SELECT channel, count(*) FROM tickets GROUP BY 1 ORDER BY 2 DESC",
        Dimension::Priority => "SELECT priority, count(*) FROM tickets GROUP BY priority, priority_rank ORDER BY priority_rank DESC",
        Dimension::Status => "SELECT status, count(*) FROM tickets GROUP BY 1 ORDER BY 2 DESC",
    };
    sqlx::query_as(sql).fetch_all(db).await
}
