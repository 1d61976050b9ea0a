//! The raw `GROUP BY` over tickets that each analytics page would need without rollups, timed for comparison.

use super::{Case, Page};
use std::time::Instant;

/// The tickets of the case's period (and the previous one, for the comparisons), joined with
/// what the rollups also read: analysis, category corrections and escalations.
const FROM: &str = "FROM tickets t
    LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
    LEFT JOIN category_corrections c ON c.ticket_id = t.id
    LEFT JOIN escalations e ON e.ticket_id = t.id AND e.status <> 'de_escalated'";

/// Period (with the previous one) and the filters; `$5` is the first day of the current period.
const WHERE: &str = "WHERE t.created_at >= $1::date AND t.created_at < $2::date + 1
    AND ($3::bigint IS NULL OR t.product_id = $3) AND ($4::text IS NULL OR t.channel = $4)";

/// The statements behind one page view, as raw SQL over tickets.
fn statements(case: &Case) -> Vec<String> {
    let w = WHERE;
    let cat = "COALESCE(c.category, a.category, t.category)";
    let current = "t.created_at >= $5::date";
    match case.page {
        Page::Overview => vec![
            format!(
                "SELECT {current} AS current, count(*),
                        count(*) FILTER (WHERE t.status IN ('open', 'pending')),
                        count(e.ticket_id), count(*) FILTER (WHERE a.sentiment = 'negative'),
                        avg(t.csat),
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY t.first_response_at - t.created_at),
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY t.resolved_at - t.created_at)
                 {FROM} {w} GROUP BY 1"
            ),
            format!(
                "SELECT t.created_at::date, count(*),
                        count(*) FILTER (WHERE a.sentiment = 'negative'), count(e.ticket_id)
                 {FROM} {w} AND {current} GROUP BY 1 ORDER BY 1"
            ),
        ],
        Page::Heatmaps => vec![
            format!(
                "SELECT t.product_id, {cat}, count(*),
                        count(*) FILTER (WHERE a.sentiment = 'negative'), count(e.ticket_id)
                 {FROM} {w} AND {current} GROUP BY 1, 2"
            ),
            format!(
                "SELECT extract(isodow FROM t.created_at), extract(hour FROM t.created_at), count(*)
                 {FROM} {w} AND {current} GROUP BY 1, 2"
            ),
            format!(
                "SELECT t.channel, t.priority, count(*) {FROM} {w} AND {current} GROUP BY 1, 2"
            ),
        ],
        Page::Conversations => {
            // Each ticket's conversation from its messages and their scores, then the page's
            // groupings (total, category, product, channel, agent, category x agent).
            let conv = format!(
                "(SELECT t.id, t.product_id, t.channel, {cat} AS category,
                         (SELECT g.author FROM messages g WHERE g.ticket_id = t.id
                            AND g.kind = 'agent' AND g.author IS NOT NULL
                          ORDER BY g.created_at DESC, g.id DESC LIMIT 1) AS agent,
                         COALESCE((SELECT ma.sentiment_score FROM message_analysis ma
                                   JOIN messages g ON g.id = ma.message_id
                                   WHERE ma.ticket_id = t.id
                                   ORDER BY g.created_at DESC, g.id DESC LIMIT 1),
                                  a.sentiment_score) - a.sentiment_score AS shift,
                         (SELECT count(*) FROM messages g WHERE g.ticket_id = t.id
                            AND g.kind IN ('customer', 'agent')) AS messages
                  {FROM} {w} AND {current}) x"
            );
            let sums = "count(*), count(*) FILTER (WHERE shift > 0.2),
                        count(*) FILTER (WHERE shift < -0.2), avg(messages)";
            vec![format!(
                "SELECT category, agent, product_id, channel, {sums} FROM {conv}
                 GROUP BY GROUPING SETS ((), (category), (agent), (product_id), (channel),
                                         (category, agent))"
            )]
        }
        Page::Trends => vec![
            format!(
                "SELECT date_trunc('{grain}', t.created_at), {cat}, count(*),
                        count(*) FILTER (WHERE a.sentiment = 'negative')
                 {FROM} {w} AND {current} GROUP BY 1, 2 ORDER BY 1",
                grain = case.grain()
            ),
            format!(
                "SELECT {cat}, {current}, count(*), count(*) FILTER (WHERE a.sentiment = 'negative')
                 {FROM} {w} GROUP BY 1, 2"
            ),
        ],
    }
}

/// Runs the case's statements `rounds` times; returns each round's total time in milliseconds.
pub async fn time(pool: &sqlx::PgPool, case: &Case, rounds: usize) -> anyhow::Result<Vec<f64>> {
    let previous = case.period.previous();
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for sql in statements(case) {
            sqlx::query(&sql)
                .bind(previous.from)
                .bind(case.period.to)
                .bind(case.filter.product)
                .bind(case.filter.channel.map(|c| c.to_string()))
                .bind(case.period.from)
                .fetch_all(pool)
                .await?;
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(times)
}
