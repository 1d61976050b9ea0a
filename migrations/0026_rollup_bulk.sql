-- Bulk imports stop keeping the rollups current batch by batch. A 2,000-row batch touched about
-- as many cube rows as it had tickets, so the statement-level refresh cost 82% of a million-row
-- import. A transaction that sets `ticketlens.defer_rollups` to 'on' (SET LOCAL) now only notes
-- the ids its statements changed in `rollup_pending` (a range per statement when they are dense,
-- as a bulk insert's are), committed with them. A catch-up then brings their facts and cubes up
-- to date set-based: `rollup_split` assigns the tickets by calendar month to `rollup_parts()`
-- parts that touch disjoint cube rows, and `rollup_catch_up_part` refreshes one part's list in
-- its own transaction, so the parts run in parallel on their own connections. The importer runs
-- the catch-up when its writers finish, whether they succeeded or not, and the worker sweeps
-- whatever a crashed import left behind. The cubes always equal the sum of `ticket_facts`; only
-- the facts of pending tickets lag.
--
-- Locking: a change's own refresh takes every part's advisory lock shared; the catch-up of part
-- p holds lock p alone, so it excludes changes to its tickets but not the other parts. A ticket
-- moved between months belongs to one part and may touch a cube row of the other: that only
-- waits, and PostgreSQL breaks a rare cycle by failing one side, which the caller retries.

CREATE TABLE rollup_pending (
    seq        bigserial PRIMARY KEY,
    -- Every ticket id from lo to hi may have changed (ids without a ticket or facts are skipped).
    lo         bigint NOT NULL,
    hi         bigint NOT NULL CHECK (hi >= lo),
    queued_at  timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION rollup_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    EXECUTE format('SELECT array_agg(DISTINCT %I ORDER BY %I) FROM %I',
                   TG_ARGV[0], TG_ARGV[0], TG_ARGV[1]) INTO ids;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    IF current_setting('ticketlens.defer_rollups', true) = 'on' THEN
        IF ids[cardinality(ids)] - ids[1] < 4 * cardinality(ids) THEN
            INSERT INTO rollup_pending (lo, hi) VALUES (ids[1], ids[cardinality(ids)]);
        ELSE
            INSERT INTO rollup_pending (lo, hi) SELECT id, id FROM unnest(ids) id;
        END IF;
        RETURN NULL;
    END IF;
    PERFORM rollup_refresh(ids);
    RETURN NULL;
END
$$;

-- The latency cubes held one row per bucket: seven rows per ticket of a fresh import, half of a
-- catch-up's time. A row is now one histogram: `counts[b]` tickets in bucket b (0 to 75) as a
-- pgvector `vector(76)`, whose `+` and `sum` add histograms in C (exact: counts stay far below
-- 2^24), and `n` their sum (0 when emptied, so pruning is unchanged).
DROP TABLE rollup_latency, rollup_monthly_latency;

CREATE TABLE rollup_latency (
    g        smallint NOT NULL CHECK (g BETWEEN 8 AND 15),
    day      date NOT NULL,
    kind     "char" NOT NULL CHECK (kind IN ('f', 'r')),
    category text,
    channel  text,
    sentiment text,
    n        integer NOT NULL,
    counts   vector(76) NOT NULL,
    UNIQUE NULLS NOT DISTINCT (g, day, kind, category, channel, sentiment)
) WITH (fillfactor = 80);

CREATE TABLE rollup_monthly_latency (
    g           smallint NOT NULL CHECK (g BETWEEN 8 AND 15 OR g IN (7, 6, 5, 3)),
    month       date NOT NULL CHECK (month = date_trunc('month', month)::date),
    kind        "char" NOT NULL CHECK (kind IN ('f', 'r')),
    product_id  bigint,
    category    text,
    channel     text,
    sentiment   text,
    n           integer NOT NULL,
    counts      vector(76) NOT NULL,
    UNIQUE NULLS NOT DISTINCT (g, month, kind, product_id, category, channel, sentiment)
) WITH (fillfactor = 80);

-- A histogram of `v` tickets in `bucket`.
CREATE FUNCTION latency_histogram(bucket smallint, v integer) RETURNS vector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (array_fill(0, ARRAY[bucket]) || v || array_fill(0, ARRAY[75 - bucket]))::vector(76)
$$;

-- The numeric logarithms of 0014 cost 6 µs a call, two per ticket; in float8 they give the same
-- bucket for every second from 0 to 3,000,000, every boundary ±3 s and 2,000,000 random values
-- up to 40,000,000 (the epsilon keeps exact powers of two, 60 · 2^k s, in the upper bucket).
CREATE OR REPLACE FUNCTION latency_bucket(seconds bigint) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN seconds IS NULL THEN NULL
                ELSE least(75, greatest(0,
                    floor(4 * ln(greatest(seconds, 1) / 60.0::float8) / ln(2::float8) + 1e-9)
                    + 1))::smallint
           END
$$;

CREATE FUNCTION rollup_add_latency(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_latency AS r (g, day, kind, category, channel, sentiment, n, counts)
    SELECT 8 | GROUPING(category, channel, sentiment), day, kind, category, channel, sentiment,
           sign * count(*), sum(latency_histogram(bucket, sign))
    FROM (SELECT f.day, l.kind, l.bucket, f.category, f.channel, f.sentiment
          FROM ticket_facts f
          CROSS JOIN LATERAL (VALUES ('f'::"char", f.frt_bucket), ('r', f.res_bucket))
              l(kind, bucket)
          WHERE f.ticket_id IN (SELECT unnest(ids)) AND l.bucket IS NOT NULL) l
    GROUP BY day, kind, CUBE (category, channel, sentiment)
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (g, day, kind, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n, counts = r.counts + EXCLUDED.counts;
$$;

CREATE FUNCTION rollup_add_monthly_latency(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_monthly_latency AS r (g, month, kind, product_id, category, channel,
                                            sentiment, n, counts)
    SELECT GROUPING(product_id, category, channel, sentiment), month, kind, product_id,
           category, channel, sentiment, sign * count(*), sum(latency_histogram(bucket, sign))
    FROM (SELECT date_trunc('month', f.day)::date AS month, l.kind, l.bucket, f.product_id,
                 f.category, f.channel, f.sentiment
          FROM ticket_facts f
          CROSS JOIN LATERAL (VALUES ('f'::"char", f.frt_bucket), ('r', f.res_bucket))
              l(kind, bucket)
          WHERE f.ticket_id IN (SELECT unnest(ids)) AND l.bucket IS NOT NULL) l
    GROUP BY month, kind, GROUPING SETS (
        (), (category), (channel), (sentiment), (category, channel), (category, sentiment),
        (channel, sentiment), (category, channel, sentiment),
        (product_id), (product_id, sentiment), (product_id, channel), (product_id, category))
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (g, month, kind, product_id, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n, counts = r.counts + EXCLUDED.counts;
$$;

-- The functions below take their tickets as `IN (SELECT unnest(ids))` rather than `= ANY (ids)`:
-- a catch-up passes a whole import's ids, and only a constant array is searched by hash; a
-- cached generic plan would compare every row with every id.
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
    FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids))
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
    FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids))
    GROUP BY day, hour, CUBE (category, channel, sentiment)
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (g, day, hour, category, channel, sentiment) DO UPDATE SET
        n = r.n + EXCLUDED.n;

    SELECT rollup_add_latency(ids, sign);
$$;

CREATE OR REPLACE FUNCTION rollup_add_monthly(ids bigint[], sign integer) RETURNS void
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
          WHERE ticket_id IN (SELECT unnest(ids))) f
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

    SELECT rollup_add_monthly_latency(ids, sign);
$$;

CREATE OR REPLACE FUNCTION ticket_facts_of(ids bigint[]) RETURNS SETOF ticket_facts
LANGUAGE sql STABLE AS $$
    SELECT f.*, latency_bucket(f.frt_s), latency_bucket(f.res_s)
    FROM (SELECT t.id,
                 (t.created_at AT TIME ZONE 'UTC')::date,
                 extract(hour FROM t.created_at AT TIME ZONE 'UTC')::smallint,
                 t.product_id,
                 COALESCE(c.category, a.category, t.category),
                 t.channel, t.priority, a.sentiment,
                 t.status IN ('open', 'pending'),
                 EXISTS (SELECT 1 FROM escalations e WHERE e.ticket_id = t.id),
                 t.csat,
                 extract(epoch FROM t.first_response_at - t.created_at)::bigint AS frt_s,
                 extract(epoch FROM t.resolved_at - t.created_at)::bigint AS res_s
          FROM tickets t
          LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
          LEFT JOIN category_corrections c ON c.ticket_id = t.id
          WHERE t.id IN (SELECT unnest(ids))) f
$$;

CREATE FUNCTION rollup_lock_key() RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT 7164209318120435::bigint
$$;

CREATE FUNCTION rollup_parts() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 2 $$;

-- Pending tickets already assigned to a part; `rollup_pending` entries move here in one
-- transaction, and leave in the transaction that refreshes them.
CREATE TABLE rollup_pending_parts (
    seq        bigserial PRIMARY KEY,
    part       integer NOT NULL,
    ids        bigint[] NOT NULL,
    queued_at  timestamptz NOT NULL
);

-- The refresh itself, for callers that hold the right locks.
CREATE FUNCTION rollup_apply(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    old_days date[];
BEGIN
    ids := ARRAY(SELECT DISTINCT unnest(ids) ORDER BY 1);
    old_days := ARRAY(
        SELECT DISTINCT day FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids)));
    PERFORM rollup_add(ids, -1);
    PERFORM rollup_add_monthly(ids, -1);
    DELETE FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids));
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

CREATE OR REPLACE FUNCTION rollup_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(rollup_lock_key() + p)
    FROM generate_series(0, rollup_parts() - 1) p ORDER BY p;
    PERFORM rollup_apply(ids);
END
$$;

-- Moves the `rollup_pending` entries up to `upto` queued at or before `queued_before`, about
-- `chunk` ids at a time (at least one entry), to `rollup_pending_parts`, each ticket to the part
-- of its month (its old month when it has no ticket any more); returns how many tickets, or -1
-- when no entry was left. Run it until it returns -1.
CREATE FUNCTION rollup_split(upto bigint, queued_before timestamptz, chunk integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    los bigint[];
    his bigint[];
    queued timestamptz;
    n integer;
BEGIN
    WITH queue AS (
        SELECT seq, sum(hi - lo + 1) OVER (ORDER BY seq) AS ids_up_to_here
        FROM rollup_pending WHERE seq <= upto AND queued_at <= queued_before
    ), taken AS (
        DELETE FROM rollup_pending WHERE seq IN (
            SELECT seq FROM queue
            WHERE ids_up_to_here <= chunk OR seq = (SELECT min(seq) FROM queue))
        RETURNING lo, hi, queued_at)
    SELECT array_agg(lo), array_agg(hi), min(queued_at) INTO los, his, queued FROM taken;
    IF los IS NULL THEN
        RETURN -1;
    END IF;
    WITH months AS (
        SELECT DISTINCT ON (id) id, month FROM (
            SELECT t.id, date_trunc('month', t.created_at AT TIME ZONE 'UTC')::date AS month
            FROM unnest(los, his) r(lo, hi) JOIN tickets t ON t.id BETWEEN r.lo AND r.hi
            UNION ALL
            SELECT f.ticket_id, date_trunc('month', f.day)::date
            FROM unnest(los, his) r(lo, hi)
            JOIN ticket_facts f ON f.ticket_id BETWEEN r.lo AND r.hi) m
        ORDER BY id, month
    ), parted AS (
        INSERT INTO rollup_pending_parts (part, ids, queued_at)
        SELECT (extract(year FROM month) * 12 + extract(month FROM month))::integer
                   % rollup_parts(),
               array_agg(id ORDER BY id), queued
        FROM months GROUP BY 1
        RETURNING cardinality(ids) AS n)
    SELECT COALESCE(sum(parted.n), 0) INTO n FROM parted;
    RETURN n;
END
$$;

-- Refreshes the oldest assigned list of `part` queued at or before `queued_before`, and takes it
-- off; returns how many tickets, or -1 when the part has none left.
CREATE FUNCTION rollup_catch_up_part(part integer, queued_before timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock(rollup_lock_key() + part);
    -- The grouping sets of a large list sort in memory rather than on disk.
    PERFORM set_config('work_mem', '64MB', true);
    DELETE FROM rollup_pending_parts p WHERE p.seq = (
        SELECT q.seq FROM rollup_pending_parts q
        WHERE q.part = rollup_catch_up_part.part AND q.queued_at <= queued_before
        ORDER BY q.seq LIMIT 1)
    RETURNING p.ids INTO ids;
    IF ids IS NULL THEN
        RETURN -1;
    END IF;
    PERFORM rollup_apply(ids);
    RETURN cardinality(ids);
END
$$;

-- The latency histograms of every ticket there is.
SELECT rollup_add_latency(ARRAY(SELECT ticket_id FROM ticket_facts ORDER BY 1), 1);
SELECT rollup_add_monthly_latency(ARRAY(SELECT ticket_id FROM ticket_facts ORDER BY 1), 1);
