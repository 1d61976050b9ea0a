//! Heatmap grids from the rollup cubes: product × category, channel × priority, weekday × hour.

use super::sources::{by_priority, cube_rows, hourly_rows, Span};
use super::{dim, FILTERS};
use crate::domain::analytics::{AnalyticsFilter, Period};
use sqlx::PgExecutor;

/// What a heatmap cell measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    #[default]
    Count,
    /// Share of analysed tickets with negative sentiment.
    NegativeShare,
    /// Share of tickets escalated.
    EscalationRate,
}

impl Measure {
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "count" => Measure::Count,
            "negative" => Measure::NegativeShare,
            "escalated" => Measure::EscalationRate,
            _ => return None,
        })
    }

    /// The dimensions (`dim` bits) the measure groups by besides the cells'.
    fn needs(self) -> i16 {
        match self {
            Measure::NegativeShare => dim::SENTIMENT,
            Measure::Count | Measure::EscalationRate => 0,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            Measure::Count => "sum(n)::float8",
            Measure::NegativeShare => {
                "(sum(n) FILTER (WHERE sentiment = 'negative'))::float8
                 / nullif(sum(n) FILTER (WHERE sentiment IS NOT NULL), 0)"
            }
            Measure::EscalationRate => "sum(escalated_n)::float8 / nullif(sum(n), 0)",
        }
    }
}

/// A cell of a grid: (row key, column key, value, tickets).
pub type Cell = (String, String, Option<f64>, i64);

/// Product × category cells of `period` (product names; "(none)" for missing values).
pub async fn product_category(
    db: impl PgExecutor<'_>,
    measure: Measure,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<(i64, Cell)>> {
    let sql = format!(
        "SELECT COALESCE(r.product_id, 0), COALESCE(p.name, '(none)'), COALESCE(r.category, '(none)'),
                {}, sum(n)::int8
         FROM {rows} LEFT JOIN products p ON p.id = r.product_id
         WHERE {FILTERS}
         GROUP BY 1, 2, 3 HAVING sum(n) <> 0",
        measure.sql(),
        rows = cube_rows(
            f,
            dim::PRODUCT | dim::CATEGORY | measure.needs(),
            &Span::of(period.from, period.to, None)
        ),
    );
    let rows: Vec<(i64, String, String, Option<f64>, i64)> =
        bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, p, c, v, n)| (id, (p, c, v, n)))
        .collect())
}

/// Channel × priority cells of `period`.
pub async fn channel_priority(
    db: impl PgExecutor<'_>,
    measure: Measure,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<Cell>> {
    let sql = format!(
        "SELECT channel, priority, {}, sum(n)::int8 FROM {rows} WHERE {FILTERS}
         GROUP BY 1, 2 HAVING sum(n) <> 0",
        measure.sql(),
        rows = by_priority(&cube_rows(
            f,
            dim::CHANNEL | measure.needs(),
            &Span::of(period.from, period.to, None)
        )),
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}

/// Tickets created per ISO weekday (1 = Monday) and hour (UTC) in `period`.
pub async fn weekday_hour(
    db: impl PgExecutor<'_>,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<(i32, i32, i64)>> {
    let sql = format!(
        "SELECT extract(isodow FROM day)::int4, hour::int4, sum(n)::int8 FROM {from}
         WHERE {FILTERS} GROUP BY 1, 2 HAVING sum(n) <> 0",
        from = hourly_rows(f),
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}
