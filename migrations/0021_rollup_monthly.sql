-- A period of a year read from the daily cubes sums 365 rows per cell: the product x category
-- map of a year was 110k rows (221 ms at a million tickets), and a year under a product filter
-- read the product's ~90k ticket facts several times per page. The monthly cubes hold the same
-- sums per calendar month, so a long period reads its whole months from here and only the days
-- at its edges from the daily cubes (about 12 + 30 rows per cell for a year).
--
-- Months are 30 times fewer than days, so the monthly cube keeps products in every grouping: a
-- year under a product filter reads cube rows, not facts. The latency cube keeps products alone
-- or with one other dimension (more would be about one row per ticket again); latency medians
-- under narrower filters read the facts.

CREATE TABLE rollup_monthly (
    g            smallint NOT NULL CHECK (g BETWEEN 0 AND 15),
    -- The first day of the month.
    month        date NOT NULL CHECK (month = date_trunc('month', month)::date),
    product_id   bigint,
    category     text,
    channel      text,
    sentiment    text,
    n            integer NOT NULL DEFAULT 0,
    open_n       integer NOT NULL DEFAULT 0,
    escalated_n  integer NOT NULL DEFAULT 0,
    csat_sum     integer NOT NULL DEFAULT 0,
    csat_n       integer NOT NULL DEFAULT 0,
    frt_sum      bigint NOT NULL DEFAULT 0,
    frt_n        integer NOT NULL DEFAULT 0,
    res_sum      bigint NOT NULL DEFAULT 0,
    res_n        integer NOT NULL DEFAULT 0,
    n_low        integer NOT NULL DEFAULT 0,
    n_medium     integer NOT NULL DEFAULT 0,
    n_high       integer NOT NULL DEFAULT 0,
    n_urgent     integer NOT NULL DEFAULT 0,
    esc_low      integer NOT NULL DEFAULT 0,
    esc_medium   integer NOT NULL DEFAULT 0,
    esc_high     integer NOT NULL DEFAULT 0,
    esc_urgent   integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (g, month, product_id, category, channel, sentiment)
) WITH (fillfactor = 80);

CREATE TABLE rollup_monthly_latency (
    g           smallint NOT NULL CHECK (g BETWEEN 8 AND 15 OR g IN (7, 6, 5, 3)),
    month       date NOT NULL CHECK (month = date_trunc('month', month)::date),
    kind        "char" NOT NULL CHECK (kind IN ('f', 'r')),
    bucket      smallint NOT NULL,
    product_id  bigint,
    category    text,
    channel     text,
    sentiment   text,
    n           integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (g, month, kind, bucket, product_id, category, channel, sentiment)
) WITH (fillfactor = 80);

CREATE FUNCTION rollup_add_monthly(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_monthly AS r (g, month, product_id, category, channel, sentiment, n, open_n,
                                    escalated_n, csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n,
                                    n_low, n_medium, n_high, n_urgent,
                                    esc_low, esc_medium, esc_high, esc_urgent)
    SELECT GROUPING(product_id, category, channel, sentiment), month, product_id, category,
           channel, sentiment,
           sign * count(*), sign * count(*) FILTER (WHERE open),
           sign * count(*) FILTER (WHERE escalated),
           sign * COALESCE(sum(csat), 0), sign * count(csat),
           sign * COALESCE(sum(frt_s), 0), sign * count(frt_s),
           sign * COALESCE(sum(res_s), 0), sign * count(res_s),
           sign * count(*) FILTER (WHERE priority = 'low'),
           sign * count(*) FILTER (WHERE priority = 'medium'),
           sign * count(*) FILTER (WHERE priority = 'high'),
           sign * count(*) FILTER (WHERE priority = 'urgent'),
           sign * count(*) FILTER (WHERE priority = 'low' AND escalated),
           sign * count(*) FILTER (WHERE priority = 'medium' AND escalated),
           sign * count(*) FILTER (WHERE priority = 'high' AND escalated),
           sign * count(*) FILTER (WHERE priority = 'urgent' AND escalated)
    FROM (SELECT date_trunc('month', day)::date AS month, * FROM ticket_facts
          WHERE ticket_id = ANY (ids)) f
    GROUP BY month, CUBE (product_id, category, channel, sentiment)
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (g, month, product_id, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n, open_n = r.open_n + EXCLUDED.open_n,
        escalated_n = r.escalated_n + EXCLUDED.escalated_n,
        csat_sum = r.csat_sum + EXCLUDED.csat_sum, csat_n = r.csat_n + EXCLUDED.csat_n,
        frt_sum = r.frt_sum + EXCLUDED.frt_sum, frt_n = r.frt_n + EXCLUDED.frt_n,
        res_sum = r.res_sum + EXCLUDED.res_sum, res_n = r.res_n + EXCLUDED.res_n,
        n_low = r.n_low + EXCLUDED.n_low, n_medium = r.n_medium + EXCLUDED.n_medium,
        n_high = r.n_high + EXCLUDED.n_high, n_urgent = r.n_urgent + EXCLUDED.n_urgent,
        esc_low = r.esc_low + EXCLUDED.esc_low, esc_medium = r.esc_medium + EXCLUDED.esc_medium,
        esc_high = r.esc_high + EXCLUDED.esc_high, esc_urgent = r.esc_urgent + EXCLUDED.esc_urgent;

    INSERT INTO rollup_monthly_latency AS r (g, month, kind, bucket, product_id, category, channel,
                                            sentiment, n)
    SELECT GROUPING(product_id, category, channel, sentiment), month, kind, bucket, product_id,
           category, channel, sentiment, sign * count(*)
    FROM (SELECT date_trunc('month', f.day)::date AS month, l.kind, l.bucket, f.product_id,
                 f.category, f.channel, f.sentiment
          FROM ticket_facts f
          CROSS JOIN LATERAL (VALUES ('f'::"char", f.frt_bucket), ('r', f.res_bucket))
              l(kind, bucket)
          WHERE f.ticket_id = ANY (ids) AND l.bucket IS NOT NULL) l
    GROUP BY month, kind, bucket, GROUPING SETS (
        (), (category), (channel), (sentiment), (category, channel), (category, sentiment),
        (channel, sentiment), (category, channel, sentiment),
        (product_id), (product_id, sentiment), (product_id, channel), (product_id, category))
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (g, month, kind, bucket, product_id, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n;
$$;

CREATE FUNCTION rollup_prune_monthly(months date[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM rollup_monthly WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM rollup_monthly WHERE n = 0 AND month = ANY (months)
        FOR UPDATE SKIP LOCKED));
    DELETE FROM rollup_monthly_latency WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM rollup_monthly_latency WHERE n = 0 AND month = ANY (months)
        FOR UPDATE SKIP LOCKED));
$$;

CREATE OR REPLACE FUNCTION rollup_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    old_days date[];
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    ids := ARRAY(SELECT DISTINCT unnest(ids) ORDER BY 1);
    old_days := ARRAY(SELECT DISTINCT day FROM ticket_facts WHERE ticket_id = ANY (ids));
    PERFORM rollup_add(ids, -1);
    PERFORM rollup_add_monthly(ids, -1);
    DELETE FROM ticket_facts WHERE ticket_id = ANY (ids);
    INSERT INTO ticket_facts SELECT * FROM ticket_facts_of(ids);
    PERFORM rollup_add(ids, 1);
    PERFORM rollup_add_monthly(ids, 1);
    -- Only days that lost tickets can hold emptied rows.
    IF cardinality(old_days) > 0 THEN
        PERFORM rollup_prune(old_days);
        PERFORM rollup_prune_monthly(
            ARRAY(SELECT DISTINCT date_trunc('month', d)::date FROM unnest(old_days) d));
    END IF;
END
$$;

-- The monthly cubes of every ticket there is.
SELECT rollup_add_monthly(ARRAY(SELECT ticket_id FROM ticket_facts ORDER BY 1), 1);
