//! What the rollups should hold, recomputed from the raw tickets, and the check that they do.

use sqlx::PgPool;

/// Each ticket's facts, recomputed from the source tables.
macro_rules! raw_facts {
    () => {
        "(SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day,
                 extract(hour FROM t.created_at AT TIME ZONE 'UTC')::smallint AS hour,
                 t.product_id, COALESCE(c.category, a.category, t.category) AS category,
                 t.channel, t.priority, a.sentiment,
                 t.status IN ('open', 'pending') AS open,
                 EXISTS (SELECT 1 FROM escalations e
                         WHERE e.ticket_id = t.id AND e.status <> 'de_escalated') AS escalated,
                 t.csat,
                 extract(epoch FROM t.first_response_at - t.created_at)::bigint AS frt_s,
                 extract(epoch FROM t.resolved_at - t.created_at)::bigint AS res_s
          FROM tickets t
          LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
          LEFT JOIN category_corrections c ON c.ticket_id = t.id) x"
    };
}

/// What each cube should hold: every combination of the filter dimensions, each kept or summed.
const RAW_DAILY: &str = concat!(
    "SELECT GROUPING(product_id, category, channel, sentiment)::smallint, day, product_id,
            category, channel, sentiment,
            count(*)::int, count(*) FILTER (WHERE open)::int,
            count(*) FILTER (WHERE escalated)::int,
            COALESCE(sum(csat), 0)::int, count(csat)::int,
            COALESCE(sum(frt_s), 0)::int8, count(frt_s)::int,
            COALESCE(sum(res_s), 0)::int8, count(res_s)::int,
            count(*) FILTER (WHERE priority = 'low')::int,
            count(*) FILTER (WHERE priority = 'medium')::int,
            count(*) FILTER (WHERE priority = 'high')::int,
            count(*) FILTER (WHERE priority = 'urgent')::int,
            count(*) FILTER (WHERE priority = 'low' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'medium' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'high' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'urgent' AND escalated)::int
     FROM ",
    raw_facts!(),
    " GROUP BY day, GROUPING SETS (
        (), (category), (channel), (sentiment), (category, channel), (category, sentiment),
        (channel, sentiment), (category, channel, sentiment),
        (product_id), (product_id, sentiment), (product_id, category),
        (product_id, category, sentiment))"
);
const ROLLUP_DAILY: &str = "
    SELECT g, day, product_id, category, channel, sentiment, n, open_n, escalated_n,
           csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n, n_low, n_medium, n_high, n_urgent,
           esc_low, esc_medium, esc_high, esc_urgent
    FROM rollup_daily WHERE n <> 0";
const RAW_HOURLY: &str = concat!(
    "SELECT (8 | GROUPING(category, channel, sentiment))::smallint, day, hour, category, channel,
            sentiment, count(*)::int
     FROM ",
    raw_facts!(),
    " GROUP BY day, hour, CUBE (category, channel, sentiment)"
);
/// The monthly cube keeps every grouping, products included.
const RAW_MONTHLY: &str = concat!(
    "SELECT GROUPING(product_id, category, channel, sentiment)::smallint, month, product_id,
            category, channel, sentiment,
            count(*)::int, count(*) FILTER (WHERE open)::int,
            count(*) FILTER (WHERE escalated)::int,
            COALESCE(sum(csat), 0)::int, count(csat)::int,
            COALESCE(sum(frt_s), 0)::int8, count(frt_s)::int,
            COALESCE(sum(res_s), 0)::int8, count(res_s)::int,
            count(*) FILTER (WHERE priority = 'low')::int,
            count(*) FILTER (WHERE priority = 'medium')::int,
            count(*) FILTER (WHERE priority = 'high')::int,
            count(*) FILTER (WHERE priority = 'urgent')::int,
            count(*) FILTER (WHERE priority = 'low' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'medium' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'high' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'urgent' AND escalated)::int
     FROM (SELECT date_trunc('month', day)::date AS month, * FROM ",
    raw_facts!(),
    ") m GROUP BY month, CUBE (product_id, category, channel, sentiment)"
);
const ROLLUP_MONTHLY: &str = "
    SELECT g, month, product_id, category, channel, sentiment, n, open_n, escalated_n,
           csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n, n_low, n_medium, n_high, n_urgent,
           esc_low, esc_medium, esc_high, esc_urgent
    FROM rollup_monthly WHERE n <> 0";
const ROLLUP_HOURLY: &str = "
    SELECT g, day, hour, category, channel, sentiment, n FROM rollup_hourly WHERE n <> 0";
const RAW_LATENCY: &str = concat!(
    "SELECT (8 | GROUPING(category, channel, sentiment))::smallint, day, kind,
            latency_bucket(s), category, channel, sentiment, count(*)::int
     FROM ",
    raw_facts!(),
    " CROSS JOIN LATERAL (VALUES ('f'::\"char\", frt_s), ('r', res_s)) k(kind, s)
     WHERE s IS NOT NULL
     GROUP BY day, kind, latency_bucket(s), CUBE (category, channel, sentiment)"
);
const ROLLUP_LATENCY: &str = "
    SELECT g, day, kind, (h.i - 1)::smallint, category, channel, sentiment, h.n::int
    FROM rollup_latency CROSS JOIN LATERAL unnest(counts::real[]) WITH ORDINALITY h(n, i)
    WHERE h.n <> 0";
/// The monthly latency cube keeps products alone or with one other dimension.
const RAW_MONTHLY_LATENCY: &str = concat!(
    "SELECT GROUPING(product_id, category, channel, sentiment)::smallint,
            date_trunc('month', day)::date, kind, latency_bucket(s), product_id, category,
            channel, sentiment, count(*)::int
     FROM ",
    raw_facts!(),
    " CROSS JOIN LATERAL (VALUES ('f'::\"char\", frt_s), ('r', res_s)) k(kind, s)
     WHERE s IS NOT NULL
     GROUP BY date_trunc('month', day), kind, latency_bucket(s), GROUPING SETS (
        (), (category), (channel), (sentiment), (category, channel), (category, sentiment),
        (channel, sentiment), (category, channel, sentiment),
        (product_id), (product_id, sentiment), (product_id, channel), (product_id, category))"
);
const ROLLUP_MONTHLY_LATENCY: &str = "
    SELECT g, month, kind, (h.i - 1)::smallint, product_id, category, channel, sentiment,
           h.n::int
    FROM rollup_monthly_latency
    CROSS JOIN LATERAL unnest(counts::real[]) WITH ORDINALITY h(n, i)
    WHERE h.n <> 0";

/// Each ticket's conversation, recomputed from its messages and their scores.
const RAW_CONVERSATION_FACTS: &str = "
    (SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day, t.product_id,
            COALESCE(c.category, a.category, t.category) AS category, t.channel,
            COALESCE((SELECT g.author FROM messages g
                      WHERE g.ticket_id = t.id AND g.kind = 'agent' AND g.author IS NOT NULL
                      ORDER BY g.created_at DESC, g.id DESC LIMIT 1), t.agent) AS agent,
            a.sentiment_score AS first_score,
            COALESCE((SELECT ma.sentiment_score FROM message_analysis ma
                      JOIN messages g ON g.id = ma.message_id
                      WHERE ma.ticket_id = t.id ORDER BY g.created_at DESC, g.id DESC LIMIT 1),
                     a.sentiment_score) AS last_score,
            CASE WHEN a.ticket_id IS NOT NULL
                 THEN 1 + (SELECT count(*) FROM message_analysis ma WHERE ma.ticket_id = t.id)
            END AS scored_n,
            (SELECT count(*) FROM messages g
             WHERE g.ticket_id = t.id AND g.kind IN ('customer', 'agent')) AS messages_n,
            CASE WHEN t.resolved_at IS NOT NULL
                 THEN (SELECT count(*) FROM messages g WHERE g.ticket_id = t.id
                       AND g.kind = 'agent' AND g.created_at <= t.resolved_at)
            END AS replies_n
     FROM tickets t
     LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
     LEFT JOIN category_corrections c ON c.ticket_id = t.id) x";

/// The conversation cube: days in the page's eight groupings, months in all sixteen.
fn raw_conversations() -> String {
    let sums = "count(*)::int,
        count(*) FILTER (WHERE scored_n >= 2)::int,
        count(*) FILTER (WHERE scored_n >= 2 AND last_score - first_score > 0.2::real)::int,
        count(*) FILTER (WHERE scored_n >= 2 AND last_score - first_score < -0.2::real)::int,
        COALESCE(sum(round(1000 * (last_score - first_score)))
                 FILTER (WHERE scored_n >= 2), 0)::int8,
        sum(messages_n)::int8, count(replies_n)::int, COALESCE(sum(replies_n), 0)::int8,
        count(*) FILTER (WHERE messages_n <= 1)::int,
        count(*) FILTER (WHERE messages_n = 2)::int,
        count(*) FILTER (WHERE messages_n = 3)::int,
        count(*) FILTER (WHERE messages_n = 4)::int,
        count(*) FILTER (WHERE messages_n >= 5)::int";
    let columns = "product_id, category, channel, agent, first_score, last_score, scored_n,
        messages_n, replies_n";
    // Days in the eight groupings of the page, months in every grouping.
    format!(
        "SELECT * FROM (
         SELECT GROUPING(product_id, category, channel, agent)::smallint, 'd'::\"char\", day,
                product_id, category, channel, agent, {sums}
         FROM (SELECT day, {columns} FROM {RAW_CONVERSATION_FACTS}) f
         GROUP BY day, GROUPING SETS (
             (), (category), (channel), (agent), (category, agent), (category, channel),
             (channel, agent), (product_id))
         UNION ALL
         SELECT GROUPING(product_id, category, channel, agent)::smallint, 'm'::\"char\", day,
                product_id, category, channel, agent, {sums}
         FROM (SELECT date_trunc('month', day)::date AS day, {columns}
               FROM {RAW_CONVERSATION_FACTS}) f
         GROUP BY day, CUBE (product_id, category, channel, agent)) raw"
    )
}
const ROLLUP_CONVERSATIONS: &str = "
    SELECT g, grain, day, product_id, category, channel, agent, n, conv_n, improved_n,
           worsened_n, shift_milli, messages_sum, resolved_n, replies_sum, m1, m2, m3, m4, m5
    FROM rollup_conversations WHERE n <> 0";

/// Rows in one query and not the other, both ways (0 when they agree).
pub(super) async fn differences(pool: &PgPool, a: &str, b: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM (({a} EXCEPT ALL {b}) UNION ALL ({b} EXCEPT ALL {a})) d"
    ))
    .fetch_one(pool)
    .await
    .unwrap()
}

pub(super) async fn assert_consistent(pool: &PgPool, when: &str) {
    for (name, raw, rollup) in [
        ("rollup_daily", RAW_DAILY, ROLLUP_DAILY),
        ("rollup_hourly", RAW_HOURLY, ROLLUP_HOURLY),
        ("rollup_latency", RAW_LATENCY, ROLLUP_LATENCY),
        ("rollup_monthly", RAW_MONTHLY, ROLLUP_MONTHLY),
        (
            "rollup_monthly_latency",
            RAW_MONTHLY_LATENCY,
            ROLLUP_MONTHLY_LATENCY,
        ),
    ] {
        let diff = differences(pool, raw, rollup).await;
        assert_eq!(diff, 0, "{name} differs from the raw tickets {when}");
    }
    let diff = differences(pool, &raw_conversations(), ROLLUP_CONVERSATIONS).await;
    assert_eq!(
        diff, 0,
        "rollup_conversations differs from the raw messages {when}"
    );
    // Rows a change emptied are pruned (nothing else holds them in this sequential test).
    let emptied: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM rollup_daily WHERE n = 0)
              + (SELECT count(*) FROM rollup_hourly WHERE n = 0)
              + (SELECT count(*) FROM rollup_latency WHERE n = 0)
              + (SELECT count(*) FROM rollup_monthly WHERE n = 0)
              + (SELECT count(*) FROM rollup_monthly_latency WHERE n = 0)
              + (SELECT count(*) FROM rollup_conversations WHERE n = 0)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(emptied, 0, "emptied rows left {when}");
    // Each latency histogram holds whole, non-negative counts, and `n` is their sum.
    let malformed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT n, counts::real[] AS c FROM rollup_latency
                               UNION ALL
                               SELECT n, counts::real[] FROM rollup_monthly_latency) h
         WHERE n <> (SELECT sum(x) FROM unnest(c) x)
            OR EXISTS (SELECT 1 FROM unnest(c) x WHERE x < 0 OR x <> round(x))",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(malformed, 0, "malformed latency histograms {when}");
    let facts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tickets t FULL JOIN ticket_facts f ON f.ticket_id = t.id
         WHERE t.id IS NULL OR f.ticket_id IS NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(facts, 0, "one fact row per ticket {when}");
    let buckets: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ticket_facts WHERE frt_bucket IS DISTINCT FROM latency_bucket(frt_s)
            OR res_bucket IS DISTINCT FROM latency_bucket(res_s)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(buckets, 0, "facts carry their latency buckets {when}");
}
