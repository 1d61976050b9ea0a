//! Trend lines and period-over-period changes per category or product from the rollup cubes.

use super::sources::{cube_rows, Span};
use super::{dim, FILTERS};
use crate::domain::analytics::{AnalyticsFilter, Period};
use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};

/// How trend points are grouped in time (Postgres `date_trunc` units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grain {
    #[default]
    Day,
    Week,
    Month,
}

impl Grain {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "day" => Some(Grain::Day),
            "week" => Some(Grain::Week),
            "month" => Some(Grain::Month),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
        }
    }

    /// Days for up to a month, weeks up to half a year, months beyond.
    pub fn for_days(days: i64) -> Self {
        match days {
            ..=31 => Grain::Day,
            32..=183 => Grain::Week,
            _ => Grain::Month,
        }
    }
}

/// What trend lines are drawn per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Group {
    #[default]
    Category,
    /// Keys are product ids (as text).
    Product,
}

impl Group {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "category" => Some(Group::Category),
            "product" => Some(Group::Product),
            _ => None,
        }
    }

    fn dim(self) -> i16 {
        match self {
            Group::Category => dim::CATEGORY,
            Group::Product => dim::PRODUCT,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Group::Category => "category",
            Group::Product => "product_id::text",
        }
    }
}

/// One group's tickets in one time bucket.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct TrendPoint {
    pub bucket: NaiveDate,
    /// Category, or product id as text; "(none)" when the tickets have none.
    pub key: String,
    pub n: i64,
    pub negative_n: i64,
    pub analysed_n: i64,
}

/// Tickets of `period` per group and time bucket.
pub async fn trend(
    db: impl PgExecutor<'_>,
    group: Group,
    grain: Grain,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<TrendPoint>> {
    // Monthly points may sum whole months from the monthly cube; days and weeks need days.
    let span = match grain {
        Grain::Month => Span::of(period.from, period.to, None),
        Grain::Day | Grain::Week => Span::by_day(),
    };
    let sql = format!(
        "SELECT date_trunc('{grain}', day)::date AS bucket, COALESCE({key}, '(none)') AS key,
                sum(n)::int8 AS n,
                COALESCE(sum(n) FILTER (WHERE sentiment = 'negative'), 0)::int8 AS negative_n,
                COALESCE(sum(n) FILTER (WHERE sentiment IS NOT NULL), 0)::int8 AS analysed_n
         FROM {rows} WHERE {FILTERS}
         GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2",
        grain = grain.as_str(),
        key = group.column(),
        rows = cube_rows(f, group.dim() | dim::SENTIMENT, &span),
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}

/// One group's period against the previous one.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct GroupChange {
    pub key: String,
    pub n: i64,
    pub before_n: i64,
    pub negative_n: i64,
    pub analysed_n: i64,
    pub before_negative_n: i64,
    pub before_analysed_n: i64,
}

/// Per group: tickets and negative counts in `current` and in `previous`, largest first.
pub async fn group_changes(
    db: impl PgExecutor<'_>,
    group: Group,
    current: Period,
    previous: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<GroupChange>> {
    let sql = format!(
        "SELECT COALESCE({key}, '(none)') AS key,
                COALESCE(sum(n) FILTER (WHERE day >= $7), 0)::int8 AS n,
                COALESCE(sum(n) FILTER (WHERE day < $7), 0)::int8 AS before_n,
                COALESCE(sum(n) FILTER (WHERE day >= $7 AND sentiment = 'negative'), 0)::int8 AS negative_n,
                COALESCE(sum(n) FILTER (WHERE day >= $7 AND sentiment IS NOT NULL), 0)::int8 AS analysed_n,
                COALESCE(sum(n) FILTER (WHERE day < $7 AND sentiment = 'negative'), 0)::int8 AS before_negative_n,
                COALESCE(sum(n) FILTER (WHERE day < $7 AND sentiment IS NOT NULL), 0)::int8 AS before_analysed_n
         FROM {rows} WHERE {FILTERS}
         GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 2 DESC, 3 DESC, 1",
        key = group.column(),
        rows = cube_rows(
            f,
            group.dim() | dim::SENTIMENT,
            &Span::of(previous.from, current.to, Some(current.from))
        ),
    );
    bind_filters!(sqlx::query_as(&sql), previous.from, current.to, f)
        .bind(current.from)
        .fetch_all(db)
        .await
}
