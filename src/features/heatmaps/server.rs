//! Lays rollup cells out as heatmap grids (rows, columns, values, links to the tickets of each cell).

use super::Heatmaps;
use crate::error::AppError;
use sqlx::PgPool;

use crate::domain::analytics::{AnalyticsFilter, Period};
use crate::domain::ticket_view::TicketQuery;
use crate::domain::{Channel, Priority};
use crate::server::charts::heatmap::{by_volume, heatmap_svg, Heatmap};
use crate::server::db::rollups::{Cell, Measure};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The Tickets page narrowed to `filter`'s period and filters, then to one cell by `narrow`.
fn tickets_link(
    period: Period,
    filter: &AnalyticsFilter,
    narrow: impl FnOnce(&mut TicketQuery),
) -> String {
    let mut q = TicketQuery::within(period, filter);
    narrow(&mut q);
    q.href()
}

fn format_of(measure: Measure) -> (&'static dyn Fn(f64) -> String, &'static str) {
    match measure {
        Measure::Count => (&|v| format!("{v:.0}"), "tickets"),
        Measure::NegativeShare => (&|v| format!("{:.0}%", v * 100.0), "negative"),
        Measure::EscalationRate => (&|v| format!("{:.0}%", v * 100.0), "escalated"),
    }
}

/// Product (rows, busiest first) × category (columns).
pub fn product_category(
    cells: &[(i64, Cell)],
    measure: Measure,
    period: Period,
    filter: &AnalyticsFilter,
) -> String {
    let rows = by_volume(cells.iter().map(|(_, c)| (c.0.as_str(), c.3)));
    let columns = by_volume(cells.iter().map(|(_, c)| (c.1.as_str(), c.3)));
    let mut values = vec![vec![None; columns.len()]; rows.len()];
    let mut ids = vec![0i64; rows.len()];
    for (id, (p, c, v, _)) in cells {
        let (r, k) = (
            rows.iter().position(|x| x == p).expect("row"),
            columns.iter().position(|x| x == c).expect("column"),
        );
        values[r][k] = *v;
        ids[r] = *id;
    }
    let (format, unit) = format_of(measure);
    let link = |r: usize, k: usize| {
        tickets_link(period, filter, |q| {
            q.product = (ids[r] != 0).then_some(ids[r]);
            q.category = Some(columns[k].clone());
        })
    };
    heatmap_svg(&Heatmap {
        title: "Product × category",
        rows: &rows,
        columns: &columns,
        values: &values,
        format,
        measure: unit,
        link: &link,
        cell: (64, 26),
        diverging: false,
    })
}

/// Weekday (rows, Monday first) × hour of creation (columns, UTC).
pub fn weekday_hour(cells: &[(i32, i32, i64)], period: Period, filter: &AnalyticsFilter) -> String {
    let rows: Vec<String> = WEEKDAYS.iter().map(|d| d.to_string()).collect();
    let columns: Vec<String> = (0..24).map(|h| format!("{h:02}:00")).collect();
    let mut values = vec![vec![None; 24]; 7];
    for &(day, hour, n) in cells {
        if let (Some(r), Some(c)) = (
            usize::try_from(day - 1).ok().filter(|d| *d < 7),
            usize::try_from(hour).ok().filter(|h| *h < 24),
        ) {
            values[r][c] = Some(n as f64);
        }
    }
    let link = |r: usize, c: usize| {
        tickets_link(period, filter, |q| {
            q.weekday = u8::try_from(r + 1).ok();
            q.hour = u8::try_from(c).ok();
        })
    };
    heatmap_svg(&Heatmap {
        title: "Weekday × hour of creation (UTC)",
        rows: &rows,
        columns: &columns,
        values: &values,
        format: &|v| format!("{v:.0}"),
        measure: "tickets",
        link: &link,
        cell: (32, 26),
        diverging: false,
    })
}

/// Channel (rows) × priority (columns, least urgent first).
pub fn channel_priority(
    cells: &[Cell],
    measure: Measure,
    period: Period,
    filter: &AnalyticsFilter,
) -> String {
    let rows: Vec<String> = Channel::ALL.iter().map(|c| c.to_string()).collect();
    let columns: Vec<String> = Priority::ALL.iter().map(|p| p.to_string()).collect();
    let mut values = vec![vec![None; columns.len()]; rows.len()];
    for (channel, priority, v, _) in cells {
        if let (Some(r), Some(c)) = (
            rows.iter().position(|x| x == channel),
            columns.iter().position(|x| x == priority),
        ) {
            values[r][c] = *v;
        }
    }
    let (format, unit) = format_of(measure);
    let link = |r: usize, c: usize| {
        tickets_link(period, filter, |q| {
            q.channel = Some(Channel::ALL[r]);
            q.priority = Some(Priority::ALL[c]);
        })
    };
    heatmap_svg(&Heatmap {
        title: "Channel × priority",
        rows: &rows,
        columns: &columns,
        values: &values,
        format,
        measure: unit,
        link: &link,
        cell: (90, 30),
        diverging: false,
    })
}

/// The three heatmaps for `filter` in `measure` (count, negative share or escalation rate).
pub async fn heatmaps(
    pool: &PgPool,
    filter: AnalyticsFilter,
    measure: String,
) -> Result<Heatmaps, AppError> {
    use crate::components::FilterChoices;
    use crate::server::db::rollups::{self, Measure};
    let choices = FilterChoices::load(pool).await?;
    let measure_kind = Measure::parse(&measure).unwrap_or_default();
    let measure = super::MEASURES
        .iter()
        .map(|m| m.0)
        .find(|m| Measure::parse(m) == Some(measure_kind))
        .unwrap_or("count")
        .to_string();
    let Some(latest) = rollups::latest_day(pool).await? else {
        return Ok(Heatmaps {
            period: None,
            choices,
            measure,
            product_category: String::new(),
            weekday_hour: String::new(),
            channel_priority: String::new(),
        });
    };
    let period = filter.period(latest);
    // Three independent queries, each on its own pooled connection at once.
    let (by_product, by_hour, by_channel) = tokio::try_join!(
        rollups::product_category(pool, measure_kind, period, &filter),
        rollups::weekday_hour(pool, period, &filter),
        rollups::channel_priority(pool, measure_kind, period, &filter),
    )?;
    let product_category = product_category(&by_product, measure_kind, period, &filter);
    let weekday_hour = weekday_hour(&by_hour, period, &filter);
    let channel_priority = channel_priority(&by_channel, measure_kind, period, &filter);
    Ok(Heatmaps {
        period: Some(period),
        choices,
        measure,
        product_category,
        weekday_hour,
        channel_priority,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SentimentLabel;

    fn period() -> Period {
        Period {
            from: "2026-01-01".parse().unwrap(),
            to: "2026-01-31".parse().unwrap(),
        }
    }

    #[test]
    fn cells_link_to_the_tickets_they_count() {
        let filter = AnalyticsFilter {
            sentiment: Some(SentimentLabel::Negative),
            ..Default::default()
        };
        let cells = vec![
            (
                3,
                (
                    "Aero Buds".to_string(),
                    "billing".to_string(),
                    Some(12.0),
                    12,
                ),
            ),
            (0, ("(none)".to_string(), "login".to_string(), Some(2.0), 2)),
        ];
        let svg = product_category(&cells, Measure::Count, period(), &filter);
        assert!(
            svg.contains(
                "href=\"/tickets?product=3&amp;category=billing&amp;sentiment=negative&amp;from=2026-01-01&amp;to=2026-01-31\""
            ),
            "{svg}"
        );
        // A product-less row links to tickets of any product, not product 0.
        assert!(
            svg.contains("href=\"/tickets?category=login&amp;sentiment=negative"),
            "{svg}"
        );
        let svg = weekday_hour(&[(2, 14, 5)], period(), &AnalyticsFilter::default());
        assert!(svg.contains("weekday=2&amp;hour=14"), "{svg}");
        assert!(svg.contains("<title>Tue × 14:00: 5 tickets</title>"));
        let svg = channel_priority(
            &[("chat".into(), "urgent".into(), Some(0.25), 8)],
            Measure::EscalationRate,
            period(),
            &AnalyticsFilter::default(),
        );
        assert!(
            svg.contains("<title>chat × urgent: 25% escalated</title>"),
            "{svg}"
        );
        assert!(svg.contains("channel=chat&amp;priority=urgent"));
    }
}
