-- Rollups for analytics, kept current in the same transaction as every change that moves a figure
-- (tickets inserted, updated or deleted; analysis; escalations; category corrections). Pages read
-- these, never the raw tickets.

-- What each ticket currently contributes, so that a change subtracts exactly what was added.
CREATE TABLE ticket_facts (
    ticket_id   bigint PRIMARY KEY,
    day         date NOT NULL,
    hour        smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    product_id  bigint,
    category    text,
    channel     text NOT NULL,
    priority    text NOT NULL,
    sentiment   text,
    open        boolean NOT NULL,
    escalated   boolean NOT NULL,
    csat        smallint,
    -- Seconds to first response and to resolution, when known.
    frt_s       bigint,
    res_s       bigint
);

-- Latency buckets: a quarter of an octave each, from one minute (bucket 0) to about a year
-- (bucket 75); medians read from them are within 9% of the exact value.
CREATE FUNCTION latency_bucket(seconds bigint) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN seconds IS NULL THEN NULL
                ELSE least(75, greatest(0, floor(4 * log(2, greatest(seconds, 1) / 60.0)) + 1))::smallint
           END
$$;

-- One row per day and combination of the dimensions the pages filter and group by.
CREATE TABLE rollup_daily (
    day          date NOT NULL,
    product_id   bigint,
    category     text,
    channel      text NOT NULL,
    priority     text NOT NULL,
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
    UNIQUE NULLS NOT DISTINCT (day, product_id, category, channel, priority, sentiment)
);
CREATE INDEX rollup_daily_product_idx ON rollup_daily (product_id, day);
CREATE INDEX rollup_daily_category_idx ON rollup_daily (category, day);

-- Tickets per hour of creation (weekday x hour heatmap), same filters, no priority.
CREATE TABLE rollup_hourly (
    day         date NOT NULL,
    hour        smallint NOT NULL,
    product_id  bigint,
    category    text,
    channel     text NOT NULL,
    sentiment   text,
    n           integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (day, hour, product_id, category, channel, sentiment)
);

-- First-response ('f') and resolution ('r') times by bucket, for medians.
CREATE TABLE rollup_latency (
    day         date NOT NULL,
    kind        "char" NOT NULL CHECK (kind IN ('f', 'r')),
    bucket      smallint NOT NULL,
    product_id  bigint,
    category    text,
    channel     text NOT NULL,
    sentiment   text,
    n           integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (day, kind, bucket, product_id, category, channel, sentiment)
);

-- The facts of `ids` as the tables say now (tickets that no longer exist give no row).
CREATE FUNCTION ticket_facts_of(ids bigint[]) RETURNS SETOF ticket_facts
LANGUAGE sql STABLE AS $$
    SELECT t.id,
           (t.created_at AT TIME ZONE 'UTC')::date,
           extract(hour FROM t.created_at AT TIME ZONE 'UTC')::smallint,
           t.product_id,
           COALESCE(c.category, a.category, t.category),
           t.channel, t.priority, a.sentiment,
           t.status IN ('open', 'pending'),
           EXISTS (SELECT 1 FROM escalations e WHERE e.ticket_id = t.id),
           t.csat,
           extract(epoch FROM t.first_response_at - t.created_at)::bigint,
           extract(epoch FROM t.resolved_at - t.created_at)::bigint
    FROM tickets t
    LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
    LEFT JOIN category_corrections c ON c.ticket_id = t.id
    WHERE t.id = ANY (ids)
$$;

-- Adds `sign` times the contribution of the facts of `ids` (as stored in ticket_facts) to every
-- rollup. Rows are visited in key order so that concurrent writers lock them in the same order.
CREATE FUNCTION rollup_add(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_daily AS r (day, product_id, category, channel, priority, sentiment, n,
                                  open_n, escalated_n, csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n)
    SELECT day, product_id, category, channel, priority, sentiment,
           sign * count(*), sign * count(*) FILTER (WHERE open),
           sign * count(*) FILTER (WHERE escalated),
           sign * COALESCE(sum(csat), 0), sign * count(csat),
           sign * COALESCE(sum(frt_s), 0), sign * count(frt_s),
           sign * COALESCE(sum(res_s), 0), sign * count(res_s)
    FROM ticket_facts WHERE ticket_id = ANY (ids)
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (day, product_id, category, channel, priority, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n, open_n = r.open_n + EXCLUDED.open_n,
        escalated_n = r.escalated_n + EXCLUDED.escalated_n,
        csat_sum = r.csat_sum + EXCLUDED.csat_sum, csat_n = r.csat_n + EXCLUDED.csat_n,
        frt_sum = r.frt_sum + EXCLUDED.frt_sum, frt_n = r.frt_n + EXCLUDED.frt_n,
        res_sum = r.res_sum + EXCLUDED.res_sum, res_n = r.res_n + EXCLUDED.res_n;

    INSERT INTO rollup_hourly AS r (day, hour, product_id, category, channel, sentiment, n)
    SELECT day, hour, product_id, category, channel, sentiment, sign * count(*)
    FROM ticket_facts WHERE ticket_id = ANY (ids)
    GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (day, hour, product_id, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n;

    INSERT INTO rollup_latency AS r (day, kind, bucket, product_id, category, channel, sentiment, n)
    SELECT day, kind, bucket, product_id, category, channel, sentiment, sign * count(*)
    FROM (SELECT day, 'f'::"char" AS kind, latency_bucket(frt_s) AS bucket, product_id, category,
                 channel, sentiment
          FROM ticket_facts WHERE ticket_id = ANY (ids) AND frt_s IS NOT NULL
          UNION ALL
          SELECT day, 'r', latency_bucket(res_s), product_id, category, channel, sentiment
          FROM ticket_facts WHERE ticket_id = ANY (ids) AND res_s IS NOT NULL) l
    GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (day, kind, bucket, product_id, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n;
$$;

-- Brings the rollups in line with the current state of `ids`: subtract what they contributed,
-- recompute their facts, add them again.
CREATE FUNCTION rollup_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    ids := ARRAY(SELECT DISTINCT unnest(ids) ORDER BY 1);
    PERFORM rollup_add(ids, -1);
    DELETE FROM ticket_facts WHERE ticket_id = ANY (ids);
    INSERT INTO ticket_facts SELECT * FROM ticket_facts_of(ids);
    PERFORM rollup_add(ids, 1);
END
$$;

-- Statement-level triggers: one refresh per statement, however many rows it touched. The
-- arguments name the ticket id column and the transition table to read it from.
CREATE FUNCTION rollup_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    EXECUTE format('SELECT array_agg(%I) FROM %I', TG_ARGV[0], TG_ARGV[1]) INTO ids;
    PERFORM rollup_refresh(ids);
    RETURN NULL;
END
$$;

CREATE TRIGGER tickets_rollup_insert AFTER INSERT ON tickets REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('id', 'changed');
CREATE TRIGGER tickets_rollup_update AFTER UPDATE ON tickets REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('id', 'changed');
CREATE TRIGGER tickets_rollup_delete AFTER DELETE ON tickets REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('id', 'changed');

CREATE TRIGGER analysis_rollup_insert AFTER INSERT ON ticket_analysis REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');
CREATE TRIGGER analysis_rollup_update AFTER UPDATE ON ticket_analysis REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');
CREATE TRIGGER analysis_rollup_delete AFTER DELETE ON ticket_analysis REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');

CREATE TRIGGER escalations_rollup_insert AFTER INSERT ON escalations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');
CREATE TRIGGER escalations_rollup_delete AFTER DELETE ON escalations REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');

CREATE TRIGGER corrections_rollup_insert AFTER INSERT ON category_corrections REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');
CREATE TRIGGER corrections_rollup_update AFTER UPDATE ON category_corrections REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');
CREATE TRIGGER corrections_rollup_delete AFTER DELETE ON category_corrections REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_change('ticket_id', 'changed');

-- Tickets that existed before this migration.
SELECT rollup_refresh(ARRAY(SELECT id FROM tickets));
