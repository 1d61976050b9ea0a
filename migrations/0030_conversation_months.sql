-- The Conversations page under a product and a channel filter read a year of the product's
-- ticket facts once per figure (234 ms p95 at a million tickets, docs/benchmarks.md). Month rows
-- now keep every combination of product, category, channel and agent, as `rollup_monthly` does,
-- so a long period reads its whole months from the cube under any filter; day rows keep the
-- eight groupings of 0028 (more would be about one row per ticket), and the days at a period's
-- edges under other filters read the facts.
SET LOCAL work_mem = '256MB';

CREATE FUNCTION rollup_add_conversation_days(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_conversations AS r (g, grain, day, product_id, category, channel, agent,
        n, conv_n, improved_n, worsened_n, shift_milli, messages_sum, resolved_n, replies_sum,
        m1, m2, m3, m4, m5)
    SELECT GROUPING(product_id, category, channel, agent), 'd'::"char", day, product_id, category,
           channel, agent,
           sign * count(*),
           sign * count(*) FILTER (WHERE scored_n >= 2),
           sign * count(*) FILTER (WHERE scored_n >= 2 AND last_score - first_score > 0.2::real),
           sign * count(*) FILTER (WHERE scored_n >= 2 AND last_score - first_score < -0.2::real),
           sign * COALESCE(sum(round(1000 * (last_score - first_score)))
                           FILTER (WHERE scored_n >= 2), 0)::bigint,
           sign * COALESCE(sum(messages_n), 0),
           sign * count(replies_n), sign * COALESCE(sum(replies_n), 0),
           sign * count(*) FILTER (WHERE messages_n <= 1),
           sign * count(*) FILTER (WHERE messages_n = 2),
           sign * count(*) FILTER (WHERE messages_n = 3),
           sign * count(*) FILTER (WHERE messages_n = 4),
           sign * count(*) FILTER (WHERE messages_n >= 5)
    FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids))
    GROUP BY day, GROUPING SETS (
        (), (category), (channel), (agent), (category, agent), (category, channel),
        (channel, agent), (product_id))
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (g, grain, day, product_id, category, channel, agent) DO UPDATE SET
        n = r.n + EXCLUDED.n, conv_n = r.conv_n + EXCLUDED.conv_n,
        improved_n = r.improved_n + EXCLUDED.improved_n,
        worsened_n = r.worsened_n + EXCLUDED.worsened_n,
        shift_milli = r.shift_milli + EXCLUDED.shift_milli,
        messages_sum = r.messages_sum + EXCLUDED.messages_sum,
        resolved_n = r.resolved_n + EXCLUDED.resolved_n,
        replies_sum = r.replies_sum + EXCLUDED.replies_sum,
        m1 = r.m1 + EXCLUDED.m1, m2 = r.m2 + EXCLUDED.m2, m3 = r.m3 + EXCLUDED.m3,
        m4 = r.m4 + EXCLUDED.m4, m5 = r.m5 + EXCLUDED.m5;
$$;

CREATE FUNCTION rollup_add_conversation_months(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_conversations AS r (g, grain, day, product_id, category, channel, agent,
        n, conv_n, improved_n, worsened_n, shift_milli, messages_sum, resolved_n, replies_sum,
        m1, m2, m3, m4, m5)
    SELECT GROUPING(product_id, category, channel, agent), 'm'::"char", day, product_id, category,
           channel, agent,
           sign * count(*),
           sign * count(*) FILTER (WHERE scored_n >= 2),
           sign * count(*) FILTER (WHERE scored_n >= 2 AND last_score - first_score > 0.2::real),
           sign * count(*) FILTER (WHERE scored_n >= 2 AND last_score - first_score < -0.2::real),
           sign * COALESCE(sum(round(1000 * (last_score - first_score)))
                           FILTER (WHERE scored_n >= 2), 0)::bigint,
           sign * COALESCE(sum(messages_n), 0),
           sign * count(replies_n), sign * COALESCE(sum(replies_n), 0),
           sign * count(*) FILTER (WHERE messages_n <= 1),
           sign * count(*) FILTER (WHERE messages_n = 2),
           sign * count(*) FILTER (WHERE messages_n = 3),
           sign * count(*) FILTER (WHERE messages_n = 4),
           sign * count(*) FILTER (WHERE messages_n >= 5)
    FROM (SELECT date_trunc('month', day)::date AS day, product_id, category, channel, agent,
                 first_score, last_score, scored_n, messages_n, replies_n
          FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids))) f
    GROUP BY day, CUBE (product_id, category, channel, agent)
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (g, grain, day, product_id, category, channel, agent) DO UPDATE SET
        n = r.n + EXCLUDED.n, conv_n = r.conv_n + EXCLUDED.conv_n,
        improved_n = r.improved_n + EXCLUDED.improved_n,
        worsened_n = r.worsened_n + EXCLUDED.worsened_n,
        shift_milli = r.shift_milli + EXCLUDED.shift_milli,
        messages_sum = r.messages_sum + EXCLUDED.messages_sum,
        resolved_n = r.resolved_n + EXCLUDED.resolved_n,
        replies_sum = r.replies_sum + EXCLUDED.replies_sum,
        m1 = r.m1 + EXCLUDED.m1, m2 = r.m2 + EXCLUDED.m2, m3 = r.m3 + EXCLUDED.m3,
        m4 = r.m4 + EXCLUDED.m4, m5 = r.m5 + EXCLUDED.m5;
$$;

CREATE OR REPLACE FUNCTION rollup_add_conversations(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    SELECT rollup_add_conversation_days(ids, sign);
    SELECT rollup_add_conversation_months(ids, sign);
$$;

-- The month rows again, in every grouping.
DELETE FROM rollup_conversations WHERE grain = 'm';
SELECT rollup_add_conversation_months(ARRAY(SELECT ticket_id FROM ticket_facts ORDER BY 1), 1);
