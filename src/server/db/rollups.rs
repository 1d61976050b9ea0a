//! SQL over the analytics rollup cubes (migrations 0014, 0017): period figures, medians from latency buckets, with the global filters applied.

use crate::domain::analytics::{AnalyticsFilter, Period};
use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor};

/// The WHERE clause every rollup query shares: `$1`..`$2` is the day range, `$3`.. the filters.
pub const FILTERS: &str = "day BETWEEN $1 AND $2
    AND ($3::bigint IS NULL OR product_id = $3)
    AND ($4::text IS NULL OR channel = $4)
    AND ($5::text IS NULL OR category = $5)
    AND ($6::text IS NULL OR sentiment = $6)";

/// Bits of the cubes' `g` column: a set bit means the dimension is summed away.
pub mod dim {
    pub const PRODUCT: i16 = 8;
    pub const CATEGORY: i16 = 4;
    pub const CHANNEL: i16 = 2;
    pub const SENTIMENT: i16 = 1;
}

/// The cube rows to read for filter `f` when grouping by the dimensions in `by` (`dim` bits):
/// every filtered or grouped dimension kept, every other summed away.
pub fn grouping(f: &AnalyticsFilter, by: i16) -> i16 {
    let mut kept = by;
    for (set, bit) in [
        (f.product.is_some(), dim::PRODUCT),
        (f.category.is_some(), dim::CATEGORY),
        (f.channel.is_some(), dim::CHANNEL),
        (f.sentiment.is_some(), dim::SENTIMENT),
    ] {
        if set {
            kept |= bit;
        }
    }
    15 & !kept
}

/// Binds the day range and the filters in the order `FILTERS` expects.
macro_rules! bind_filters {
    ($query:expr, $from:expr, $to:expr, $f:expr) => {
        $query
            .bind($from)
            .bind($to)
            .bind($f.product)
            .bind($f.channel.map(|c| c.as_str()))
            .bind($f.category.as_deref())
            .bind($f.sentiment.map(|s| s.as_str()))
    };
}

/// The newest day with tickets; None when there are none.
pub async fn latest_day(db: impl PgExecutor<'_>) -> sqlx::Result<Option<NaiveDate>> {
    sqlx::query_scalar("SELECT max(day) FROM rollup_daily WHERE g = 15 AND n > 0")
        .fetch_one(db)
        .await
}

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
        rows = daily_rows(f, dim::SENTIMENT)
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
        rows = daily_rows(f, 0)
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
    let (column, rows) = match dim {
        Dimension::Channel => ("channel", daily_rows(f, dim::CHANNEL)),
        Dimension::Category => ("category", daily_rows(f, dim::CATEGORY)),
        Dimension::Priority => ("priority", by_priority(&daily_rows(f, 0))),
    };
    let sql = format!(
        "SELECT COALESCE({column}, '(none)'), sum(n)::int8 FROM {rows} WHERE {FILTERS}
         GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 2 DESC, 1"
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}

/// Groupings of the daily cube that keep products (besides all that sum them away): what pages
/// grouped by product without a product filter read. Others come from the ticket facts.
const PRODUCT_GROUPINGS: [i16; 4] = [
    15 & !dim::PRODUCT,
    15 & !(dim::PRODUCT | dim::SENTIMENT),
    15 & !(dim::PRODUCT | dim::CATEGORY),
    15 & !(dim::PRODUCT | dim::CATEGORY | dim::SENTIMENT),
];

/// The daily rows for filter `f` grouped by `by` (`dim` bits), as a FROM item `r`: the cube's
/// rows of that grouping when it keeps them, else the ticket facts in the same shape (one ticket
/// per row; by the product index under a product filter).
fn daily_rows(f: &AnalyticsFilter, by: i16) -> String {
    let g = grouping(f, by);
    if g & dim::PRODUCT != 0 || PRODUCT_GROUPINGS.contains(&g) {
        return format!("(SELECT * FROM rollup_daily WHERE g = {g}) r");
    }
    let product = if f.product.is_some() {
        "WHERE product_id = $3"
    } else {
        ""
    };
    format!(
        "(SELECT day, product_id, category, channel, sentiment, 1 AS n, open::int AS open_n,
                 escalated::int AS escalated_n, COALESCE(csat, 0)::int AS csat_sum,
                 (csat IS NOT NULL)::int AS csat_n, COALESCE(frt_s, 0) AS frt_sum,
                 (frt_s IS NOT NULL)::int AS frt_n, COALESCE(res_s, 0) AS res_sum,
                 (res_s IS NOT NULL)::int AS res_n,
                 (priority = 'low')::int AS n_low, (priority = 'medium')::int AS n_medium,
                 (priority = 'high')::int AS n_high, (priority = 'urgent')::int AS n_urgent,
                 (priority = 'low' AND escalated)::int AS esc_low,
                 (priority = 'medium' AND escalated)::int AS esc_medium,
                 (priority = 'high' AND escalated)::int AS esc_high,
                 (priority = 'urgent' AND escalated)::int AS esc_urgent
          FROM ticket_facts {product}) r"
    )
}

/// Daily `rows` with one row per priority (its tickets and escalations as `n`, `escalated_n`).
fn by_priority(rows: &str) -> String {
    format!(
        "(SELECT r.day, r.product_id, r.category, r.channel, r.sentiment, p.priority, p.n,
                 p.escalated_n
          FROM {rows} CROSS JOIN LATERAL (VALUES
              ('low', r.n_low, r.esc_low), ('medium', r.n_medium, r.esc_medium),
              ('high', r.n_high, r.esc_high), ('urgent', r.n_urgent, r.esc_urgent))
              p(priority, n, escalated_n)) r"
    )
}

/// Every category with tickets, by a loose index scan (one index probe per category).
pub async fn categories(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(&format!(
        "SELECT category FROM rollup_daily WHERE g = {g} AND category IS NOT NULL
         GROUP BY 1 HAVING sum(n) > 0 ORDER BY 1",
        g = 15 & !dim::CATEGORY
    ))
    .fetch_all(db)
    .await
}

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
        rows = daily_rows(f, dim::PRODUCT | dim::CATEGORY | measure.needs()),
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
        rows = by_priority(&daily_rows(f, dim::CHANNEL | measure.needs())),
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
        from = without_products(ProductlessCube::Hourly, f),
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}

/// The cubes that leave products out.
#[derive(Clone, Copy)]
enum ProductlessCube {
    Hourly,
    Latency,
}

/// The rows of a cube that leaves products out, for filter `f`. With a product filter: the
/// product's ticket facts in the same shape instead (one ticket per row, read by the product
/// index).
fn without_products(cube: ProductlessCube, f: &AnalyticsFilter) -> String {
    match (cube, f.product.is_some()) {
        (ProductlessCube::Hourly, true) => {
            "(SELECT day, hour, product_id, category, channel, sentiment, 1 AS n
              FROM ticket_facts WHERE product_id = $3) r"
                .into()
        }
        (ProductlessCube::Latency, true) => {
            "(SELECT f.day, f.product_id, f.category, f.channel, f.sentiment, l.kind,
                     l.bucket, 1 AS n
              FROM ticket_facts f
              CROSS JOIN LATERAL (VALUES ('f'::\"char\", f.frt_bucket), ('r', f.res_bucket))
                  l(kind, bucket)
              WHERE f.product_id = $3 AND l.bucket IS NOT NULL) r"
                .into()
        }
        (cube, false) => format!(
            "(SELECT c.*, NULL::bigint AS product_id FROM {table} c WHERE g = {g}) r",
            table = match cube {
                ProductlessCube::Hourly => "rollup_hourly",
                ProductlessCube::Latency => "rollup_latency",
            },
            g = grouping(f, 0),
        ),
    }
}

/// Which latency a median is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Latency {
    FirstResponse,
    Resolution,
}

impl Latency {
    fn code(self) -> &'static str {
        match self {
            Latency::FirstResponse => "f",
            Latency::Resolution => "r",
        }
    }
}

/// Median seconds of `kind` in `current` and in `previous` (None where no ticket has one).
pub async fn medians(
    db: impl PgExecutor<'_>,
    kind: Latency,
    current: Period,
    previous: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<(Option<f64>, Option<f64>)> {
    let sql = format!(
        "SELECT day >= $7 AS current, bucket, sum(n)::int8
         FROM {from} WHERE {FILTERS} AND kind = $8::\"char\"
         GROUP BY 1, 2 ORDER BY 1, 2",
        from = without_products(ProductlessCube::Latency, f),
    );
    let rows: Vec<(bool, i16, i64)> =
        bind_filters!(sqlx::query_as(&sql), previous.from, current.to, f)
            .bind(current.from)
            .bind(kind.code())
            .fetch_all(db)
            .await?;
    let pick = |want: bool| {
        let hist: Vec<(i16, i64)> = rows
            .iter()
            .filter(|r| r.0 == want)
            .map(|r| (r.1, r.2))
            .collect();
        median_of_buckets(&hist)
    };
    Ok((pick(true), pick(false)))
}

/// The lower edge in seconds of latency bucket `b` (the SQL `latency_bucket`: bucket 0 is under a
/// minute, bucket b ≥ 1 starts at 60 · 2^((b − 1) / 4) seconds).
pub fn bucket_start(b: i16) -> f64 {
    if b <= 0 {
        0.0
    } else {
        60.0 * 2f64.powf((b - 1) as f64 / 4.0)
    }
}

/// The median of a histogram of (bucket, count) sorted by bucket, interpolated geometrically
/// inside the bucket that holds it.
pub fn median_of_buckets(hist: &[(i16, i64)]) -> Option<f64> {
    let total: i64 = hist.iter().map(|h| h.1).sum();
    if total <= 0 {
        return None;
    }
    let half = total as f64 / 2.0;
    let mut seen = 0.0;
    for &(b, n) in hist {
        if n <= 0 {
            continue;
        }
        if seen + n as f64 >= half {
            let within = (half - seen) / n as f64;
            let (lo, hi) = (bucket_start(b), bucket_start(b + 1));
            return Some(if b <= 0 {
                hi * within
            } else {
                lo * (hi / lo).powf(within)
            });
        }
        seen += n as f64;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_edges_grow_by_a_quarter_octave() {
        assert_eq!(bucket_start(0), 0.0);
        assert_eq!(bucket_start(1), 60.0);
        assert!((bucket_start(5) - 120.0).abs() < 1e-9);
        assert!((bucket_start(2) / bucket_start(1) - 2f64.powf(0.25)).abs() < 1e-12);
    }

    #[test]
    fn the_median_lies_in_the_bucket_holding_the_middle_ticket() {
        assert_eq!(median_of_buckets(&[]), None);
        // 1 ticket in bucket 1 (1–1.19 min), 3 in bucket 5 (2–2.38 min): the middle is in bucket 5.
        let m = median_of_buckets(&[(1, 1), (5, 3)]).unwrap();
        assert!((120.0..bucket_start(6)).contains(&m), "{m}");
        // Evenly split between two buckets: the median is the upper edge of the first.
        let m = median_of_buckets(&[(1, 2), (9, 2)]).unwrap();
        assert!((m - bucket_start(2)).abs() < 1e-9, "{m}");
    }
}

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
    let sql = format!(
        "SELECT date_trunc('{grain}', day)::date AS bucket, COALESCE({key}, '(none)') AS key,
                sum(n)::int8 AS n,
                COALESCE(sum(n) FILTER (WHERE sentiment = 'negative'), 0)::int8 AS negative_n,
                COALESCE(sum(n) FILTER (WHERE sentiment IS NOT NULL), 0)::int8 AS analysed_n
         FROM {rows} WHERE {FILTERS}
         GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2",
        grain = grain.as_str(),
        key = group.column(),
        rows = daily_rows(f, group.dim() | dim::SENTIMENT),
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
        rows = daily_rows(f, group.dim() | dim::SENTIMENT),
    );
    bind_filters!(sqlx::query_as(&sql), previous.from, current.to, f)
        .bind(current.from)
        .fetch_all(db)
        .await
}
