//! SQL over the analytics rollup cubes (migrations 0014, 0017, 0021, 0028) with the global filters applied: what the Overview, Heatmaps, Trends and Conversations pages read.

use crate::domain::analytics::AnalyticsFilter;
use chrono::NaiveDate;
use sqlx::PgExecutor;

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

pub mod catch_up;
mod conversations;
mod figures;
mod grids;
mod latency;
mod sources;
mod trend;

pub use conversations::{
    category_agent_shift, conversation_sums, conversations_by, By, ConvGroup, ConvSums, ShiftCell,
};
pub use figures::{breakdown, daily, sums, Dimension, Sums};
pub use grids::{channel_priority, product_category, weekday_hour, Cell, Measure};
pub use latency::{bucket_start, median_of_buckets, medians, Latency};
pub use sources::Span;
pub use trend::{group_changes, trend, Grain, Group, GroupChange, TrendPoint};

/// The newest day with tickets; None when there are none.
pub async fn latest_day(db: impl PgExecutor<'_>) -> sqlx::Result<Option<NaiveDate>> {
    sqlx::query_scalar("SELECT max(day) FROM rollup_daily WHERE g = 15 AND n > 0")
        .fetch_one(db)
        .await
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
