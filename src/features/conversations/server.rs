//! Turns the conversation cube's sums into the page's figures, tables and shift heatmap, each with the link to its tickets.

use super::{ConvFigures, Conversations, LengthBar, Share};
use crate::components::FilterChoices;
use crate::domain::analytics::{AnalyticsFilter, Period};
use crate::domain::message::Shift;
use crate::domain::ticket_view::TicketQuery;
use crate::error::AppError;
use crate::server::charts::heatmap::{by_volume, heatmap_svg, Heatmap};
use crate::server::db::rollups::{self, By, ConvGroup, ConvSums, ShiftCell};
use sqlx::PgPool;

/// Rows per breakdown table (agents can be many).
const ROWS: i64 = 25;
/// Categories and agents in the shift heatmap, the busiest first.
const MAP_ROWS: usize = 12;
const MAP_COLUMNS: usize = 15;

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The figures of `s`, its links narrowed from the period's by `narrow`.
fn figures(
    label: String,
    s: &ConvSums,
    period: Period,
    filter: &AnalyticsFilter,
    narrow: &dyn Fn(&mut TicketQuery),
) -> ConvFigures {
    let href = |shift: Option<Shift>| {
        let mut q = TicketQuery::within(period, filter);
        narrow(&mut q);
        q.shift = shift;
        q.href()
    };
    let stayed = s.conv_n - s.improved_n - s.worsened_n;
    let share = |n: i64, shift: Shift| Share {
        n,
        share: ratio(n, s.conv_n),
        href: href(Some(shift)),
    };
    ConvFigures {
        label,
        tickets: s.n,
        tickets_href: href(None),
        conversations: s.conv_n,
        improved: share(s.improved_n, Shift::Improved),
        stayed: share(stayed, Shift::Stayed),
        worsened: share(s.worsened_n, Shift::Worsened),
        mean_shift: ratio(s.shift_milli, s.conv_n).map(|v| v / 1000.0),
        messages_per_ticket: ratio(s.messages_sum, s.n),
        replies_until_resolved: ratio(s.replies_sum, s.resolved_n),
    }
}

/// One breakdown's rows; a group's key narrows its links (none: "(none)", or any product).
fn table(
    groups: &[ConvGroup],
    by: By,
    period: Period,
    filter: &AnalyticsFilter,
) -> Vec<ConvFigures> {
    groups
        .iter()
        .map(|g| {
            let key = g.key.clone();
            let narrow = move |q: &mut TicketQuery| {
                let named = || {
                    Some(if key.is_empty() {
                        crate::server::db::tickets::NONE.to_string()
                    } else {
                        key.clone()
                    })
                };
                match by {
                    By::Category => q.category = named(),
                    By::Agent => q.agent = named(),
                    By::Product => q.product = key.parse().ok(),
                    By::Channel => q.channel = crate::domain::Channel::parse(&key),
                }
            };
            figures(g.label.clone(), &g.sums, period, filter, &narrow)
        })
        .collect()
}

/// Tickets by number of messages, each bar a link.
fn lengths(s: &ConvSums, period: Period, filter: &AnalyticsFilter) -> Vec<LengthBar> {
    [s.m1, s.m2, s.m3, s.m4, s.m5]
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let mut q = TicketQuery::within(period, filter);
            q.messages = Some(i as u8 + 1);
            LengthBar {
                label: if i == 4 {
                    "5 or more".into()
                } else {
                    (i + 1).to_string()
                },
                n,
                href: q.href(),
            }
        })
        .collect()
}

/// Mean shift by category (rows) × agent (columns), the busiest of each, cells linking to the
/// conversations there.
pub fn shift_heatmap(cells: &[ShiftCell], period: Period, filter: &AnalyticsFilter) -> String {
    let none = crate::server::db::tickets::NONE;
    let name = |v: &Option<String>| v.clone().unwrap_or_else(|| none.to_string());
    let names: Vec<(String, String, i64)> = cells
        .iter()
        .map(|c| (name(&c.category), name(&c.agent), c.conversations))
        .collect();
    let mut rows = by_volume(names.iter().map(|(r, _, n)| (r.as_str(), *n)));
    let mut columns = by_volume(names.iter().map(|(_, k, n)| (k.as_str(), *n)));
    rows.truncate(MAP_ROWS);
    columns.truncate(MAP_COLUMNS);
    let mut values = vec![vec![None; columns.len()]; rows.len()];
    for c in cells {
        let (Some(r), Some(k)) = (
            rows.iter().position(|x| *x == name(&c.category)),
            columns.iter().position(|x| *x == name(&c.agent)),
        ) else {
            continue;
        };
        values[r][k] = Some(c.shift_milli as f64 / 1000.0 / c.conversations as f64);
    }
    let link = |r: usize, k: usize| {
        let mut q = TicketQuery::within(period, filter);
        q.category = Some(rows[r].clone());
        q.agent = Some(columns[k].clone());
        q.href()
    };
    heatmap_svg(&Heatmap {
        title: "Sentiment shift by category × agent",
        rows: &rows,
        columns: &columns,
        values: &values,
        format: &|v| format!("{v:+.2}"),
        measure: "mean change",
        link: &link,
        cell: (64, 26),
        diverging: true,
    })
}

/// The Conversations page for `filter`.
pub async fn conversations(
    pool: &PgPool,
    filter: AnalyticsFilter,
) -> Result<Conversations, AppError> {
    let choices = FilterChoices::load(pool).await?;
    let Some(latest) = rollups::latest_day(pool).await? else {
        return Ok(Conversations {
            period: None,
            choices,
            total: None,
            lengths: Vec::new(),
            by_category: Vec::new(),
            by_product: Vec::new(),
            by_channel: Vec::new(),
            by_agent: Vec::new(),
            shift_heatmap: String::new(),
        });
    };
    let period = filter.period(latest);
    let f = &filter;
    let (total, by_category, by_product, by_channel, by_agent, cells) = tokio::try_join!(
        rollups::conversation_sums(pool, period, f),
        rollups::conversations_by(pool, By::Category, period, f, ROWS),
        rollups::conversations_by(pool, By::Product, period, f, ROWS),
        rollups::conversations_by(pool, By::Channel, period, f, ROWS),
        rollups::conversations_by(pool, By::Agent, period, f, ROWS),
        rollups::category_agent_shift(pool, period, f),
    )?;
    Ok(Conversations {
        period: Some(period),
        choices,
        lengths: lengths(&total, period, f),
        total: Some(figures("All tickets".into(), &total, period, f, &|_| {})),
        by_category: table(&by_category, By::Category, period, f),
        by_product: table(&by_product, By::Product, period, f),
        by_channel: table(&by_channel, By::Channel, period, f),
        by_agent: table(&by_agent, By::Agent, period, f),
        shift_heatmap: shift_heatmap(&cells, period, f),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period() -> Period {
        Period {
            from: "2026-01-01".parse().unwrap(),
            to: "2026-01-31".parse().unwrap(),
        }
    }

    #[test]
    fn shares_count_conversations_and_link_to_them() {
        let s = ConvSums {
            n: 10,
            conv_n: 4,
            improved_n: 1,
            worsened_n: 2,
            shift_milli: -600,
            messages_sum: 25,
            resolved_n: 5,
            replies_sum: 8,
            ..Default::default()
        };
        let f = figures(
            "x".into(),
            &s,
            period(),
            &AnalyticsFilter::default(),
            &|q| q.agent = Some("Ann".into()),
        );
        assert_eq!(f.stayed.n, 1);
        assert_eq!(f.worsened.share, Some(0.5));
        assert_eq!(f.mean_shift, Some(-0.15));
        assert_eq!(f.messages_per_ticket, Some(2.5));
        assert_eq!(f.replies_until_resolved, Some(1.6));
        assert_eq!(
            f.worsened.href,
            "/tickets?agent=Ann&shift=worsened&from=2026-01-01&to=2026-01-31"
        );
        let empty = figures(
            "y".into(),
            &ConvSums::default(),
            period(),
            &AnalyticsFilter::default(),
            &|_| {},
        );
        assert_eq!((empty.improved.share, empty.mean_shift), (None, None));
    }

    #[test]
    fn the_heatmap_links_each_cell_to_its_category_and_agent() {
        let cell = |category: Option<&str>, agent: Option<&str>, n, milli| ShiftCell {
            category: category.map(str::to_string),
            agent: agent.map(str::to_string),
            conversations: n,
            shift_milli: milli,
        };
        let cells = vec![
            cell(Some("billing"), Some("Ann"), 4, -2000),
            cell(None, None, 1, 500),
        ];
        let svg = shift_heatmap(&cells, period(), &AnalyticsFilter::default());
        assert!(
            svg.contains("<title>billing × Ann: -0.50 mean change</title>"),
            "{svg}"
        );
        assert!(svg.contains("category=billing&amp;agent=Ann"), "{svg}");
        assert!(
            svg.contains("category=%28none%29&amp;agent=%28none%29"),
            "{svg}"
        );
    }
}
