//! Overview figures from the rollup cubes: period sums, tickets per day, breakdowns by channel, priority and category.

use super::sources::{by_priority, cube_rows, Span};
use super::{dim, FILTERS};
use crate::domain::analytics::{AnalyticsFilter, Period};
use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};

/// Headline sums of one period.
#[derive(Debug, Clone, Default, PartialEq, FromRow)]
pub struct Sums {
    pub n: i64,
    pub open_n: i64,
    pub escalated_n: i64,
    pub negative_n: i64,
    /// Tickets with a sentiment (the denominator of the negative share).
    pub analysed_n: i64,
    pub csat_sum: i64,
    pub csat_n: i64,
}

/// The sums of `current` and of `previous`, in that order.
pub async fn sums(
    db: impl PgExecutor<'_>,
    current: Period,
    previous: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<(Sums, Sums)> {
    let sql = format!(
        "SELECT day >= $7 AS current,
                COALESCE(sum(n), 0)::int8 AS n, COALESCE(sum(open_n), 0)::int8 AS open_n,
                COALESCE(sum(escalated_n), 0)::int8 AS escalated_n,
                COALESCE(sum(n) FILTER (WHERE sentiment = 'negative'), 0)::int8 AS negative_n,
                COALESCE(sum(n) FILTER (WHERE sentiment IS NOT NULL), 0)::int8 AS analysed_n,
                COALESCE(sum(csat_sum), 0)::int8 AS csat_sum, COALESCE(sum(csat_n), 0)::int8 AS csat_n
         FROM {rows} WHERE {FILTERS}
         GROUP BY 1",
        rows = cube_rows(
            f,
            dim::SENTIMENT,
            &Span::of(previous.from, current.to, Some(current.from))
        )
    );
    #[derive(FromRow)]
    struct Row {
        current: bool,
        #[sqlx(flatten)]
        sums: Sums,
    }
    let rows: Vec<Row> = bind_filters!(sqlx::query_as(&sql), previous.from, current.to, f)
        .bind(current.from)
        .fetch_all(db)
        .await?;
    let mut out = (Sums::default(), Sums::default());
    for row in rows {
        if row.current {
            out.0 = row.sums;
        } else {
            out.1 = row.sums;
        }
    }
    Ok(out)
}

/// Tickets per day of `period` (days without tickets left out).
pub async fn daily(
    db: impl PgExecutor<'_>,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<(NaiveDate, i64)>> {
    let sql = format!(
        "SELECT day, sum(n)::int8 FROM {rows} WHERE {FILTERS}
         GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1",
        rows = cube_rows(f, 0, &Span::by_day())
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}

/// A column the breakdowns group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Channel,
    Priority,
    Category,
}

/// Tickets of `period` per value of `dim`, largest first (no value: "(none)").
pub async fn breakdown(
    db: impl PgExecutor<'_>,
    dim: Dimension,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<(String, i64)>> {
    let span = Span::of(period.from, period.to, None);
    let (column, rows) = match dim {
        Dimension::Channel => ("channel", cube_rows(f, dim::CHANNEL, &span)),
        Dimension::Category => ("category", cube_rows(f, dim::CATEGORY, &span)),
        Dimension::Priority => ("priority", by_priority(&cube_rows(f, 0, &span))),
    };
    let sql = format!(
        "SELECT COALESCE({column}, '(none)'), sum(n)::int8 FROM {rows} WHERE {FILTERS}
         GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 2 DESC, 1"
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}
