//! The FROM items the rollup queries read: which cube (monthly, daily, hourly, latency) or the ticket facts hold a filter's rows.

use super::{dim, grouping};
use crate::domain::analytics::AnalyticsFilter;
use chrono::{Datelike, Duration, NaiveDate};

/// The days a query reads, split by where they are read from: whole calendar months from the
/// monthly cubes, every other day from the daily cubes. A month is whole when the range holds
/// all of it and no cut (the first day of a second period summed apart) falls inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub months: Vec<NaiveDate>,
    /// The days outside `months` (meaningful only when `months` is not empty: without whole
    /// months every day of the range is read day by day).
    pub days: Vec<NaiveDate>,
}

impl Span {
    /// Every day of the range day by day: for queries that need days (per-day series, weekdays).
    pub fn by_day() -> Self {
        Span {
            months: Vec::new(),
            days: Vec::new(),
        }
    }

    /// `from`..=`to`, with `cut` (when some) starting a period summed apart.
    pub fn of(from: NaiveDate, to: NaiveDate, cut: Option<NaiveDate>) -> Self {
        let mut span = Span::by_day();
        let mut day = from;
        while day <= to {
            let start = day.with_day(1).expect("day 1 exists");
            let next = start
                .checked_add_months(chrono::Months::new(1))
                .expect("dates stay in range");
            let end = next - Duration::days(1);
            let cut_inside = cut.is_some_and(|c| start < c && c <= end);
            if start >= from && end <= to && !cut_inside {
                span.months.push(start);
            } else {
                let last = end.min(to);
                span.days.extend(day.iter_days().take_while(|d| *d <= last));
            }
            day = next;
        }
        if span.months.is_empty() {
            span.days.clear();
        }
        span
    }
}

/// A date array literal (dates format as digits and dashes only, nothing to escape).
pub(super) fn dates(list: &[NaiveDate]) -> String {
    let items: Vec<String> = list.iter().map(|d| d.to_string()).collect();
    format!("'{{{}}}'::date[]", items.join(","))
}

/// The measure columns every daily or monthly row has, after its day.
const MEASURES: &str = "product_id, category, channel, sentiment, n, open_n, escalated_n,
    csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n, n_low, n_medium, n_high, n_urgent,
    esc_low, esc_medium, esc_high, esc_urgent";

/// Groupings of the daily cube that keep products (besides all that sum them away): what pages
/// grouped by product without a product filter read. Others come from the ticket facts.
const PRODUCT_GROUPINGS: [i16; 4] = [
    15 & !dim::PRODUCT,
    15 & !(dim::PRODUCT | dim::SENTIMENT),
    15 & !(dim::PRODUCT | dim::CATEGORY),
    15 & !(dim::PRODUCT | dim::CATEGORY | dim::SENTIMENT),
];

/// The rows for filter `f` grouped by `by` (`dim` bits) over `span`, as a FROM item `r` with a
/// `day` column (a month's rows carry its first day): the monthly cube for whole months, the
/// daily cube or the ticket facts for the other days.
pub fn cube_rows(f: &AnalyticsFilter, by: i16, span: &Span) -> String {
    let daily = daily_rows(f, by);
    if span.months.is_empty() {
        return format!("({daily}) r");
    }
    format!(
        "(SELECT month AS day, {MEASURES} FROM rollup_monthly
          WHERE g = {g} AND month = ANY ({months})
          UNION ALL
          SELECT * FROM ({daily}) d WHERE day = ANY ({days})) r",
        g = grouping(f, by),
        months = dates(&span.months),
        days = dates(&span.days),
    )
}

/// The daily rows for filter `f` grouped by `by`: the cube's rows of that grouping when it keeps
/// them, else the ticket facts in the same shape (one ticket per row; by the product index under
/// a product filter).
fn daily_rows(f: &AnalyticsFilter, by: i16) -> String {
    let g = grouping(f, by);
    if g & dim::PRODUCT != 0 || PRODUCT_GROUPINGS.contains(&g) {
        return format!("SELECT day, {MEASURES} FROM rollup_daily WHERE g = {g}");
    }
    let product = if f.product.is_some() {
        "WHERE product_id = $3"
    } else {
        ""
    };
    format!(
        "SELECT day, product_id, category, channel, sentiment, 1 AS n, open::int AS open_n,
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
         FROM ticket_facts {product}"
    )
}

/// `rows` (a FROM item of `cube_rows`) with one row per priority (its tickets and escalations
/// as `n`, `escalated_n`).
pub fn by_priority(rows: &str) -> String {
    format!(
        "(SELECT r.day, r.product_id, r.category, r.channel, r.sentiment, p.priority, p.n,
                 p.escalated_n
          FROM {rows} CROSS JOIN LATERAL (VALUES
              ('low', r.n_low, r.esc_low), ('medium', r.n_medium, r.esc_medium),
              ('high', r.n_high, r.esc_high), ('urgent', r.n_urgent, r.esc_urgent))
              p(priority, n, escalated_n)) r"
    )
}

/// The rows of tickets per day and hour for filter `f`, as a FROM item `r`: the hourly cube,
/// which leaves products out, or under a product filter the product's ticket facts in the same
/// shape (one ticket per row, read by the product index).
pub fn hourly_rows(f: &AnalyticsFilter) -> String {
    if f.product.is_some() {
        "(SELECT day, hour, product_id, category, channel, sentiment, 1 AS n
          FROM ticket_facts WHERE product_id = $3) r"
            .into()
    } else {
        format!(
            "(SELECT day, hour, NULL::bigint AS product_id, category, channel, sentiment, n
              FROM rollup_hourly WHERE g = {g}) r",
            g = grouping(f, 0)
        )
    }
}

/// Groupings of the monthly latency cube besides all that sum products away: a product alone
/// or with one other dimension (migration 0021).
const MONTHLY_LATENCY_GROUPINGS: [i16; 4] = [
    15 & !dim::PRODUCT,
    15 & !(dim::PRODUCT | dim::SENTIMENT),
    15 & !(dim::PRODUCT | dim::CHANNEL),
    15 & !(dim::PRODUCT | dim::CATEGORY),
];

/// The latency histogram rows (`day`, `kind`, `bucket`, `n` and the filter columns; the cubes'
/// histograms unnested) for filter
/// `f` over `span`, as a FROM item `r`: whole months from the monthly latency cube when it keeps
/// the filter's grouping, other days from the daily latency cube (which leaves products out) or
/// under a product filter from the product's ticket facts.
pub fn latency_rows(f: &AnalyticsFilter, span: &Span) -> String {
    let g = grouping(f, 0);
    let daily = if f.product.is_some() {
        "SELECT f.day, f.product_id, f.category, f.channel, f.sentiment, l.kind, l.bucket, 1 AS n
         FROM ticket_facts f
         CROSS JOIN LATERAL (VALUES ('f'::\"char\", f.frt_bucket), ('r', f.res_bucket))
             l(kind, bucket)
         WHERE f.product_id = $3 AND l.bucket IS NOT NULL"
            .to_string()
    } else {
        format!(
            "SELECT day, NULL::bigint AS product_id, category, channel, sentiment, kind,
                    (h.i - 1)::smallint AS bucket, h.n::integer AS n
             FROM rollup_latency
             CROSS JOIN LATERAL unnest(counts::real[]) WITH ORDINALITY h(n, i)
             WHERE g = {g} AND h.n <> 0"
        )
    };
    let monthly = g & dim::PRODUCT != 0 || MONTHLY_LATENCY_GROUPINGS.contains(&g);
    if span.months.is_empty() || !monthly {
        return format!("({daily}) r");
    }
    format!(
        "(SELECT month AS day, product_id, category, channel, sentiment, kind,
                 (h.i - 1)::smallint AS bucket, h.n::integer AS n
          FROM rollup_monthly_latency
          CROSS JOIN LATERAL unnest(counts::real[]) WITH ORDINALITY h(n, i)
          WHERE g = {g} AND month = ANY ({months}) AND h.n <> 0
          UNION ALL
          SELECT * FROM ({daily}) d WHERE day = ANY ({days})) r",
        months = dates(&span.months),
        days = dates(&span.days),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn whole_months_come_from_the_monthly_cube_and_the_edges_day_by_day() {
        let span = Span::of(d("2026-01-20"), d("2026-04-03"), None);
        assert_eq!(span.months, [d("2026-02-01"), d("2026-03-01")]);
        assert_eq!(span.days.len(), 12 + 3);
        assert_eq!(span.days.first(), Some(&d("2026-01-20")));
        assert_eq!(span.days.last(), Some(&d("2026-04-03")));
        assert!(!span.days.contains(&d("2026-02-01")));
    }

    #[test]
    fn a_month_split_by_the_cut_is_read_day_by_day() {
        let span = Span::of(d("2026-01-01"), d("2026-03-31"), Some(d("2026-02-15")));
        assert_eq!(span.months, [d("2026-01-01"), d("2026-03-01")]);
        assert_eq!(span.days.len(), 28);
        // A cut on the first of a month splits nothing.
        let span = Span::of(d("2026-01-01"), d("2026-03-31"), Some(d("2026-02-01")));
        assert_eq!(span.months.len(), 3);
        assert!(span.days.is_empty());
    }

    #[test]
    fn a_range_without_a_whole_month_is_read_day_by_day() {
        let span = Span::of(d("2026-01-02"), d("2026-01-31"), None);
        assert_eq!(span, Span::by_day());
        let span = Span::of(d("2025-12-15"), d("2026-01-20"), None);
        assert_eq!(span, Span::by_day());
    }
}
