-- Analytics on conversations (issue 19): how each conversation's mood moved from its first to its
-- latest scored customer message, how many messages it took, how many agent replies until it was
-- resolved, by category, product, channel and agent. The ticket facts gain what each ticket
-- contributes; a cube sums them per day and per month, refreshed by the same machinery as the
-- other cubes (0014, 0026), so the Conversations page reads sums, never the messages.

-- On a populated database this migration recomputes every ticket's facts and the new cube in
-- one transaction, holding the tickets table meanwhile (minutes at a million tickets, measured in
-- docs/benchmarks.md); the grouping sets sort in memory rather than on disk.
SET LOCAL work_mem = '256MB';

-- Who handled a ticket, as its source names them (an export's agent or assignee column). The
-- first reply of a new ticket becomes an agent message signed with it. (An all-NULL column
-- needs no scan to validate.)
ALTER TABLE tickets ADD COLUMN agent text;
ALTER TABLE tickets ADD CONSTRAINT tickets_agent_not_empty CHECK (agent <> '') NOT VALID;

CREATE OR REPLACE FUNCTION open_thread() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO messages (ticket_id, kind, channel, created_at, external_id, body, opening)
    SELECT n.id, 'customer', n.channel, n.created_at, n.external_id, n.body, true
    FROM new_tickets n;
    INSERT INTO messages (ticket_id, kind, author, channel, created_at, body)
    SELECT n.id, 'agent', n.agent, n.channel,
           coalesce(n.first_response_at, n.resolved_at, n.created_at), n.agent_reply
    FROM new_tickets n WHERE n.agent_reply IS NOT NULL;
    RETURN NULL;
END $$;

-- What a ticket's conversation contributes. `agent`: the author of its latest agent message,
-- else the ticket's agent. `first_score`/`last_score`: its first and latest scored customer
-- messages, `scored_n` how many were scored. `messages_n`: customer and agent messages (notes
-- and system messages aside). `replies_n`: agent messages up to the resolution, for resolved
-- tickets only.
ALTER TABLE ticket_facts
    ADD COLUMN agent       text,
    ADD COLUMN first_score real,
    ADD COLUMN last_score  real,
    ADD COLUMN scored_n    integer,
    ADD COLUMN messages_n  integer,
    ADD COLUMN replies_n   integer;

CREATE OR REPLACE FUNCTION ticket_facts_of(ids bigint[]) RETURNS SETOF ticket_facts
LANGUAGE sql STABLE AS $$
    SELECT f.id, f.day, f.hour, f.product_id, f.category, f.channel, f.priority, f.sentiment,
           f.open, f.escalated, f.csat, f.frt_s, f.res_s,
           latency_bucket(f.frt_s), latency_bucket(f.res_s),
           f.agent, f.first_score, f.last_score, f.scored_n, f.messages_n, f.replies_n
    FROM (SELECT t.id,
                 (t.created_at AT TIME ZONE 'UTC')::date AS day,
                 extract(hour FROM t.created_at AT TIME ZONE 'UTC')::smallint AS hour,
                 t.product_id,
                 COALESCE(c.category, a.category, t.category) AS category,
                 t.channel, t.priority, a.sentiment,
                 t.status IN ('open', 'pending') AS open,
                 EXISTS (SELECT 1 FROM escalations e WHERE e.ticket_id = t.id) AS escalated,
                 t.csat,
                 extract(epoch FROM t.first_response_at - t.created_at)::bigint AS frt_s,
                 extract(epoch FROM t.resolved_at - t.created_at)::bigint AS res_s,
                 coalesce(m.agent, t.agent) AS agent,
                 a.sentiment_score AS first_score,
                 coalesce(a.latest_score, a.sentiment_score) AS last_score,
                 CASE WHEN a.ticket_id IS NOT NULL THEN a.customer_messages END AS scored_n,
                 coalesce(m.messages_n, 0) AS messages_n,
                 CASE WHEN t.resolved_at IS NOT NULL THEN coalesce(m.replies_n, 0) END
                     AS replies_n
          FROM tickets t
          LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
          LEFT JOIN category_corrections c ON c.ticket_id = t.id
          -- One pass over the tickets' messages (a catch-up passes a whole import's ids).
          LEFT JOIN (
              SELECT g.ticket_id,
                     count(*) FILTER (WHERE g.kind IN ('customer', 'agent'))::int AS messages_n,
                     count(*) FILTER (WHERE g.kind = 'agent'
                                        AND g.created_at <= o.resolved_at)::int AS replies_n,
                     (array_agg(g.author ORDER BY g.created_at DESC, g.id DESC)
                          FILTER (WHERE g.kind = 'agent' AND g.author IS NOT NULL))[1] AS agent
              FROM messages g JOIN tickets o ON o.id = g.ticket_id
              WHERE g.ticket_id IN (SELECT unnest(ids))
              GROUP BY g.ticket_id) m ON m.ticket_id = t.id
          WHERE t.id IN (SELECT unnest(ids))) f
$$;

-- Conversations per day (grain 'd') and per calendar month (grain 'm', keyed by its first day),
-- for the groupings the page reads: g is GROUPING(product_id, category, channel, agent), a set
-- bit meaning summed away (8 product, 4 category, 2 channel, 1 agent). Products appear alone
-- only; under a product filter the page reads the product's facts.
CREATE TABLE rollup_conversations (
    g            smallint NOT NULL CHECK (g BETWEEN 0 AND 15),
    grain        "char" NOT NULL CHECK (grain IN ('d', 'm')),
    day          date NOT NULL,
    product_id   bigint,
    category     text,
    channel      text,
    agent        text,
    -- Tickets; those with two or more scored customer messages (conversations that can move),
    -- of which improved and worsened (by more than 0.2 on -1..1, compared in single precision
    -- like the Ticket page's trajectory; the rest stayed); the sum of their shifts (latest -
    -- first) in thousandths.
    n            integer NOT NULL,
    conv_n       integer NOT NULL,
    improved_n   integer NOT NULL,
    worsened_n   integer NOT NULL,
    shift_milli  bigint NOT NULL,
    -- Customer and agent messages; resolved tickets and their agent replies until resolution.
    messages_sum bigint NOT NULL,
    resolved_n   integer NOT NULL,
    replies_sum  bigint NOT NULL,
    -- Tickets with 1, 2, 3, 4, 5 or more messages.
    m1           integer NOT NULL,
    m2           integer NOT NULL,
    m3           integer NOT NULL,
    m4           integer NOT NULL,
    m5           integer NOT NULL,
    UNIQUE NULLS NOT DISTINCT (g, grain, day, product_id, category, channel, agent)
) WITH (fillfactor = 80);

CREATE FUNCTION rollup_add_conversations(ids bigint[], sign integer) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO rollup_conversations AS r (g, grain, day, product_id, category, channel, agent,
        n, conv_n, improved_n, worsened_n, shift_milli, messages_sum, resolved_n, replies_sum,
        m1, m2, m3, m4, m5)
    SELECT GROUPING(product_id, category, channel, agent), grain, day, product_id, category,
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
    FROM (SELECT 'd'::"char" AS grain, day, product_id, category, channel, agent, first_score,
                 last_score, scored_n, messages_n, replies_n
          FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids))
          UNION ALL
          SELECT 'm', date_trunc('month', day)::date, product_id, category, channel, agent,
                 first_score, last_score, scored_n, messages_n, replies_n
          FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids))) f
    GROUP BY grain, day, GROUPING SETS (
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

CREATE OR REPLACE FUNCTION rollup_apply(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    old_days date[];
    old_months date[];
BEGIN
    ids := ARRAY(SELECT DISTINCT unnest(ids) ORDER BY 1);
    old_days := ARRAY(
        SELECT DISTINCT day FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids)));
    PERFORM rollup_add(ids, -1);
    PERFORM rollup_add_monthly(ids, -1);
    PERFORM rollup_add_conversations(ids, -1);
    DELETE FROM ticket_facts WHERE ticket_id IN (SELECT unnest(ids));
    INSERT INTO ticket_facts SELECT * FROM ticket_facts_of(ids);
    PERFORM rollup_add(ids, 1);
    PERFORM rollup_add_monthly(ids, 1);
    PERFORM rollup_add_conversations(ids, 1);
    -- Only days that lost tickets can hold emptied rows.
    IF cardinality(old_days) > 0 THEN
        old_months := ARRAY(SELECT DISTINCT date_trunc('month', d)::date FROM unnest(old_days) d);
        PERFORM rollup_prune(old_days);
        PERFORM rollup_prune_monthly(old_months);
        DELETE FROM rollup_conversations WHERE ctid = ANY (ARRAY(
            SELECT ctid FROM rollup_conversations
            WHERE n = 0 AND ((grain = 'd' AND day = ANY (old_days))
                             OR (grain = 'm' AND day = ANY (old_months)))
            FOR UPDATE SKIP LOCKED));
    END IF;
END
$$;

-- What a change of `ids` does to the rollups: noted for a catch-up inside a bulk load, else
-- refreshed now (the body of `rollup_on_change`, shared with the messages trigger).
CREATE FUNCTION rollup_changed(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ids IS NULL OR cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    IF current_setting('ticketlens.defer_rollups', true) = 'on' THEN
        IF ids[cardinality(ids)] - ids[1] < 4 * cardinality(ids) THEN
            INSERT INTO rollup_pending (lo, hi) VALUES (ids[1], ids[cardinality(ids)]);
        ELSE
            INSERT INTO rollup_pending (lo, hi) SELECT id, id FROM unnest(ids) id;
        END IF;
        RETURN;
    END IF;
    PERFORM rollup_refresh(ids);
END
$$;

CREATE OR REPLACE FUNCTION rollup_on_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    EXECUTE format('SELECT array_agg(DISTINCT %I ORDER BY %I) FROM %I',
                   TG_ARGV[0], TG_ARGV[0], TG_ARGV[1]) INTO ids;
    PERFORM rollup_changed(ids);
    RETURN NULL;
END
$$;

-- A later message changes its ticket's counts and agent. The messages a new ticket's own insert
-- writes (`open_thread`, the only trigger that inserts messages) come before that insert's
-- rollup trigger, which counts them. Messages are only ever added (deleted with their ticket);
-- their author never changes.
CREATE FUNCTION messages_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    PERFORM rollup_changed(ARRAY(
        SELECT DISTINCT ticket_id FROM changed WHERE NOT opening ORDER BY 1));
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_rollup_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION messages_rollup();

-- The clock sweep (jobs/clocks.rs) reads the open tickets of the last days.
CREATE INDEX tickets_open_created_idx ON tickets (created_at)
    WHERE status IN ('open', 'pending');

-- Every ticket's conversation facts, then the cube from them.
UPDATE ticket_facts f
SET agent = n.agent, first_score = n.first_score, last_score = n.last_score,
    scored_n = n.scored_n, messages_n = n.messages_n, replies_n = n.replies_n
FROM ticket_facts_of(ARRAY(SELECT ticket_id FROM ticket_facts)) n
WHERE n.ticket_id = f.ticket_id;
SELECT rollup_add_conversations(ARRAY(SELECT ticket_id FROM ticket_facts ORDER BY 1), 1);
