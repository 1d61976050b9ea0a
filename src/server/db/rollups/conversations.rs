//! Conversation figures from the conversation cube (migration 0028): which way conversations moved, messages per ticket and replies until resolved, by category, product, channel and agent.

use super::sources::{dates, Span};
use super::FILTERS;
use crate::domain::analytics::{AnalyticsFilter, Period};
use sqlx::{FromRow, PgExecutor};

/// Bits of the conversation cube's `g`: a set bit means the dimension is summed away.
mod bit {
    pub const PRODUCT: i16 = 8;
    pub const CATEGORY: i16 = 4;
    pub const CHANNEL: i16 = 2;
    pub const AGENT: i16 = 1;
}

/// The dimensions the cube keeps together (its grouping sets), as kept bits.
const KEPT: [i16; 8] = [
    0,
    bit::CATEGORY,
    bit::CHANNEL,
    bit::AGENT,
    bit::CATEGORY | bit::AGENT,
    bit::CATEGORY | bit::CHANNEL,
    bit::CHANNEL | bit::AGENT,
    bit::PRODUCT,
];

/// What the breakdowns group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Category,
    Product,
    Channel,
    Agent,
}

impl By {
    fn bit(self) -> i16 {
        match self {
            By::Category => bit::CATEGORY,
            By::Product => bit::PRODUCT,
            By::Channel => bit::CHANNEL,
            By::Agent => bit::AGENT,
        }
    }

    /// The column grouped by, the group's key as text ("" for none) and its label.
    fn columns(self) -> (&'static str, &'static str, &'static str) {
        match self {
            By::Category => (
                "category",
                "COALESCE(r.category, '')",
                "COALESCE(r.category, '(none)')",
            ),
            By::Product => (
                "product_id",
                "COALESCE(r.product_id::text, '')",
                "COALESCE((SELECT p.name FROM products p WHERE p.id = r.product_id), '(none)')",
            ),
            By::Channel => ("channel", "r.channel", "r.channel"),
            By::Agent => (
                "agent",
                "COALESCE(r.agent, '')",
                "COALESCE(r.agent, '(none)')",
            ),
        }
    }
}

/// Sums over a set of tickets.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromRow)]
pub struct ConvSums {
    pub n: i64,
    /// Tickets with two or more scored customer messages, and of them those that improved and
    /// worsened (the rest stayed), and their summed change in thousandths.
    pub conv_n: i64,
    pub improved_n: i64,
    pub worsened_n: i64,
    pub shift_milli: i64,
    pub messages_sum: i64,
    pub resolved_n: i64,
    pub replies_sum: i64,
    /// Tickets with 1, 2, 3, 4, 5 or more messages.
    pub m1: i64,
    pub m2: i64,
    pub m3: i64,
    pub m4: i64,
    pub m5: i64,
}

const SUMS: &str = "COALESCE(sum(n), 0)::int8 AS n, COALESCE(sum(conv_n), 0)::int8 AS conv_n,
    COALESCE(sum(improved_n), 0)::int8 AS improved_n,
    COALESCE(sum(worsened_n), 0)::int8 AS worsened_n,
    COALESCE(sum(shift_milli), 0)::int8 AS shift_milli,
    COALESCE(sum(messages_sum), 0)::int8 AS messages_sum,
    COALESCE(sum(resolved_n), 0)::int8 AS resolved_n,
    COALESCE(sum(replies_sum), 0)::int8 AS replies_sum,
    COALESCE(sum(m1), 0)::int8 AS m1, COALESCE(sum(m2), 0)::int8 AS m2,
    COALESCE(sum(m3), 0)::int8 AS m3, COALESCE(sum(m4), 0)::int8 AS m4,
    COALESCE(sum(m5), 0)::int8 AS m5";

/// The rows for filter `f` grouped by `by` (kept bits) over `span`, as a FROM item `r`: whole
/// months from the cube's month rows (every grouping), other days from its day rows when one of
/// their groupings keeps exactly the filtered and grouped dimensions, else from the ticket facts
/// in the same shape (one ticket per row; by the product index under a product filter). The
/// cube has no sentiment: that filter reads facts throughout.
fn rows(f: &AnalyticsFilter, by: i16, span: &Span) -> String {
    let mut kept = by;
    for (set, b) in [
        (f.product.is_some(), bit::PRODUCT),
        (f.category.is_some(), bit::CATEGORY),
        (f.channel.is_some(), bit::CHANNEL),
    ] {
        if set {
            kept |= b;
        }
    }
    let g = 15 & !kept;
    let cube = |grain: &str, days: &str| {
        format!(
            "SELECT day, product_id, category, channel, agent, NULL::text AS sentiment, n,
                    conv_n, improved_n, worsened_n, shift_milli, messages_sum, resolved_n,
                    replies_sum, m1, m2, m3, m4, m5
             FROM rollup_conversations WHERE g = {g} AND grain = '{grain}'{days}"
        )
    };
    let facts = |days: &str| {
        let product = if f.product.is_some() {
            "product_id = $3"
        } else {
            "true"
        };
        format!(
            "SELECT day, product_id, category, channel, agent, sentiment, 1 AS n,
                    (scored_n >= 2)::int AS conv_n,
                    (scored_n >= 2 AND last_score - first_score > 0.2::real)::int AS improved_n,
                    (scored_n >= 2 AND last_score - first_score < -0.2::real)::int AS worsened_n,
                    CASE WHEN scored_n >= 2
                         THEN round(1000 * (last_score - first_score))::int8 ELSE 0 END
                        AS shift_milli,
                    COALESCE(messages_n, 0) AS messages_sum,
                    (replies_n IS NOT NULL)::int AS resolved_n,
                    COALESCE(replies_n, 0) AS replies_sum,
                    (messages_n <= 1)::int AS m1, (messages_n = 2)::int AS m2,
                    (messages_n = 3)::int AS m3, (messages_n = 4)::int AS m4,
                    (messages_n >= 5)::int AS m5
             FROM ticket_facts WHERE {product}{days}"
        )
    };
    let by_day = f.sentiment.is_none() && KEPT.contains(&kept);
    if f.sentiment.is_some() || span.months.is_empty() {
        let all = if by_day { cube("d", "") } else { facts("") };
        return format!("({all}) r");
    }
    let edges = format!(" AND day = ANY ({})", dates(&span.days));
    let months = cube("m", &format!(" AND day = ANY ({})", dates(&span.months)));
    let days = if by_day {
        cube("d", &edges)
    } else {
        facts(&edges)
    };
    format!("({months} UNION ALL {days}) r")
}

/// The sums of every ticket of `period` under `f`.
pub async fn conversation_sums(
    db: impl PgExecutor<'_>,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<ConvSums> {
    let span = Span::of(period.from, period.to, None);
    let sql = format!(
        "SELECT {SUMS} FROM {rows} WHERE {FILTERS}",
        rows = rows(f, 0, &span)
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_one(db)
        .await
}

/// One group of a breakdown: its key for links ("" for none), label and sums.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ConvGroup {
    pub key: String,
    pub label: String,
    #[sqlx(flatten)]
    pub sums: ConvSums,
}

/// The sums of `period` under `f` per value of `by`, busiest first, at most `limit`.
pub async fn conversations_by(
    db: impl PgExecutor<'_>,
    by: By,
    period: Period,
    f: &AnalyticsFilter,
    limit: i64,
) -> sqlx::Result<Vec<ConvGroup>> {
    let span = Span::of(period.from, period.to, None);
    let (column, key, label) = by.columns();
    let sql = format!(
        "SELECT {key} AS key, {label} AS label, {SUMS}
         FROM {rows} WHERE {FILTERS}
         GROUP BY r.{column} HAVING sum(n) <> 0
         ORDER BY n DESC, label LIMIT {limit}",
        rows = rows(f, by.bit(), &span)
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}

/// One cell of the shift heatmap: conversations (two or more scored customer messages) of a
/// category and agent, and their summed change in thousandths.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ShiftCell {
    pub category: Option<String>,
    pub agent: Option<String>,
    pub conversations: i64,
    pub shift_milli: i64,
}

/// The shift heatmap's cells of `period` under `f`.
pub async fn category_agent_shift(
    db: impl PgExecutor<'_>,
    period: Period,
    f: &AnalyticsFilter,
) -> sqlx::Result<Vec<ShiftCell>> {
    let span = Span::of(period.from, period.to, None);
    let sql = format!(
        "SELECT category, agent, sum(conv_n)::int8 AS conversations,
                sum(shift_milli)::int8 AS shift_milli
         FROM {rows} WHERE {FILTERS}
         GROUP BY 1, 2 HAVING sum(conv_n) > 0",
        rows = rows(f, bit::CATEGORY | bit::AGENT, &span)
    );
    bind_filters!(sqlx::query_as(&sql), period.from, period.to, f)
        .fetch_all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cube_serves_its_groupings_and_the_facts_the_rest() {
        let span = Span::by_day();
        let none = AnalyticsFilter::default();
        assert!(rows(&none, bit::CATEGORY | bit::AGENT, &span).contains("g = 10"));
        let category = AnalyticsFilter {
            category: Some("billing".into()),
            ..Default::default()
        };
        assert!(rows(&category, bit::AGENT, &span).contains("g = 10"));
        assert!(rows(&category, bit::PRODUCT, &span).contains("FROM ticket_facts WHERE true"));
        let product = AnalyticsFilter {
            product: Some(3),
            channel: Some(crate::domain::Channel::Email),
            ..Default::default()
        };
        assert!(rows(&product, bit::AGENT, &span).contains("WHERE product_id = $3"));
        // A year: its whole months from the cube whatever the filter, its edges from the facts.
        let year = Span::of(
            "2025-07-15".parse().unwrap(),
            "2026-07-14".parse().unwrap(),
            None,
        );
        let sql = rows(&product, bit::AGENT, &year);
        assert!(sql.contains("g = 4 AND grain = 'm'"), "{sql}");
        assert!(sql.contains("FROM ticket_facts WHERE product_id = $3 AND day = ANY"));
        let negative = AnalyticsFilter {
            sentiment: Some(crate::domain::SentimentLabel::Negative),
            ..Default::default()
        };
        assert!(!rows(&negative, 0, &year).contains("rollup_conversations"));
    }
}
