-- The rollups of 0014 kept one row per day and combination of every dimension. At a million
-- tickets a year that is about one row per ticket (30 products x 10 categories x 5 channels x
-- 4 priorities x 3 sentiments), so a page read as many rows as the raw tickets. They become data
-- cubes: combinations of the filter dimensions with each one either kept or summed away, marked
-- by `g`, so a page reads exactly the rows of its own filters and grouping (one row a day when
-- nothing is filtered). Priority, which pages group by but never filter on, becomes columns.
--
-- Keeping products multiplies the rows by 30, so the daily cube keeps them only in the groupings
-- that pages grouping by product read (product; x sentiment; x category; x category x
-- sentiment). Under a product filter the pages read the product's few ticket facts instead.
--
-- g is GROUPING(product_id, category, channel, sentiment): bit 8 set means summed over products,
-- 4 over categories, 2 over channels, 1 over sentiments (15: every ticket of the day). A summed
-- dimension holds NULL, as does a real missing value in a kept one; g tells them apart.

DROP TABLE rollup_daily, rollup_hourly, rollup_latency;

CREATE TABLE rollup_daily (
    g            smallint NOT NULL CHECK (g BETWEEN 0 AND 15),
    day          date NOT NULL,
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
    -- Tickets and escalated tickets per priority.
    n_low        integer NOT NULL DEFAULT 0,
    n_medium     integer NOT NULL DEFAULT 0,
    n_high       integer NOT NULL DEFAULT 0,
    n_urgent     integer NOT NULL DEFAULT 0,
    esc_low      integer NOT NULL DEFAULT 0,
    esc_medium   integer NOT NULL DEFAULT 0,
    esc_high     integer NOT NULL DEFAULT 0,
    esc_urgent   integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (g, day, product_id, category, channel, sentiment)
) WITH (fillfactor = 80);

-- Hours and latency buckets multiply the rows; these two cubes leave products out (g always has
-- bit 8). With a product filter the pages read ticket_facts, which has an index for it.
CREATE TABLE rollup_hourly (
    g           smallint NOT NULL CHECK (g BETWEEN 8 AND 15),
    day         date NOT NULL,
    hour        smallint NOT NULL,
    category    text,
    channel     text,
    sentiment   text,
    n           integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (g, day, hour, category, channel, sentiment)
) WITH (fillfactor = 80);

CREATE TABLE rollup_latency (
    g           smallint NOT NULL CHECK (g BETWEEN 8 AND 15),
    day         date NOT NULL,
    kind        "char" NOT NULL CHECK (kind IN ('f', 'r')),
    bucket      smallint NOT NULL,
    category    text,
    channel     text,
    sentiment   text,
    n           integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (g, day, kind, bucket, category, channel, sentiment)
) WITH (fillfactor = 80);

-- The facts the pages read when the cubes do not keep a combination.
CREATE INDEX ticket_facts_product_idx ON ticket_facts (product_id, day);
CREATE INDEX ticket_facts_day_idx ON ticket_facts (day);

CREATE OR REPLACE FUNCTION rollup_add(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_daily AS r (g, day, product_id, category, channel, sentiment, n, open_n,
                                  escalated_n, csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n,
                                  n_low, n_medium, n_high, n_urgent,
                                  esc_low, esc_medium, esc_high, esc_urgent)
    SELECT GROUPING(product_id, category, channel, sentiment), day, product_id, category, channel,
           sentiment,
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
    FROM ticket_facts WHERE ticket_id = ANY (ids)
    GROUP BY day, GROUPING SETS (
        (), (category), (channel), (sentiment), (category, channel), (category, sentiment),
        (channel, sentiment), (category, channel, sentiment),
        (product_id), (product_id, sentiment), (product_id, category),
        (product_id, category, sentiment))
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (g, day, product_id, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n, open_n = r.open_n + EXCLUDED.open_n,
        escalated_n = r.escalated_n + EXCLUDED.escalated_n,
        csat_sum = r.csat_sum + EXCLUDED.csat_sum, csat_n = r.csat_n + EXCLUDED.csat_n,
        frt_sum = r.frt_sum + EXCLUDED.frt_sum, frt_n = r.frt_n + EXCLUDED.frt_n,
        res_sum = r.res_sum + EXCLUDED.res_sum, res_n = r.res_n + EXCLUDED.res_n,
        n_low = r.n_low + EXCLUDED.n_low, n_medium = r.n_medium + EXCLUDED.n_medium,
        n_high = r.n_high + EXCLUDED.n_high, n_urgent = r.n_urgent + EXCLUDED.n_urgent,
        esc_low = r.esc_low + EXCLUDED.esc_low, esc_medium = r.esc_medium + EXCLUDED.esc_medium,
        esc_high = r.esc_high + EXCLUDED.esc_high, esc_urgent = r.esc_urgent + EXCLUDED.esc_urgent;

    INSERT INTO rollup_hourly AS r (g, day, hour, category, channel, sentiment, n)
    SELECT 8 | GROUPING(category, channel, sentiment), day, hour, category, channel, sentiment,
           sign * count(*)
    FROM ticket_facts WHERE ticket_id = ANY (ids)
    GROUP BY day, hour, CUBE (category, channel, sentiment)
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (g, day, hour, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n;

    INSERT INTO rollup_latency AS r (g, day, kind, bucket, category, channel, sentiment, n)
    SELECT 8 | GROUPING(category, channel, sentiment), day, kind, bucket, category, channel,
           sentiment, sign * count(*)
    FROM (SELECT day, 'f'::"char" AS kind, latency_bucket(frt_s) AS bucket, category, channel,
                 sentiment
          FROM ticket_facts WHERE ticket_id = ANY (ids) AND frt_s IS NOT NULL
          UNION ALL
          SELECT day, 'r', latency_bucket(res_s), category, channel, sentiment
          FROM ticket_facts WHERE ticket_id = ANY (ids) AND res_s IS NOT NULL) l
    GROUP BY day, kind, bucket, CUBE (category, channel, sentiment)
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (g, day, kind, bucket, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n;
$$;

-- Drops the rows of `days` that changes emptied. Rows another transaction holds are skipped
-- (never waited for, so no lock cycle with its upserts); a later refresh prunes them. There is no
-- index on n = 0: an indexed n would stop the counts from being updated in place (HOT), which
-- the fillfactor above leaves room for.
CREATE FUNCTION rollup_prune(days date[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM rollup_daily WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM rollup_daily WHERE n = 0 AND day = ANY (days) FOR UPDATE SKIP LOCKED));
    DELETE FROM rollup_hourly WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM rollup_hourly WHERE n = 0 AND day = ANY (days) FOR UPDATE SKIP LOCKED));
    DELETE FROM rollup_latency WHERE ctid = ANY (ARRAY(
        SELECT ctid FROM rollup_latency WHERE n = 0 AND day = ANY (days) FOR UPDATE SKIP LOCKED));
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
    DELETE FROM ticket_facts WHERE ticket_id = ANY (ids);
    INSERT INTO ticket_facts SELECT * FROM ticket_facts_of(ids);
    PERFORM rollup_add(ids, 1);
    -- Only days that lost tickets can hold emptied rows.
    IF cardinality(old_days) > 0 THEN
        PERFORM rollup_prune(old_days);
    END IF;
END
$$;

-- The cubes of every ticket there is.
SELECT rollup_add(ARRAY(SELECT ticket_id FROM ticket_facts ORDER BY 1), 1);
