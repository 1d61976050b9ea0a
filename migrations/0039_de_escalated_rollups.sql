-- A ticket an agent sent back (de-escalated) did not need a person: the analytics stop counting
-- it as escalated, and count it again if it is escalated once more. Escalations change status by
-- UPDATE (and by the UPDATE arm of an upsert), so an update trigger refreshes the tickets whose
-- status went into or out of `de_escalated`, and only those (the SLA sweep updates many rows).
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
                 EXISTS (SELECT 1 FROM escalations e
                         WHERE e.ticket_id = t.id AND e.status <> 'de_escalated') AS escalated,
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

CREATE FUNCTION rollup_on_de_escalation() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    SELECT array_agg(DISTINCT n.ticket_id ORDER BY n.ticket_id) INTO ids
    FROM changed_new n JOIN changed_old o ON o.ticket_id = n.ticket_id
    WHERE (n.status = 'de_escalated') <> (o.status = 'de_escalated');
    PERFORM rollup_changed(ids);
    RETURN NULL;
END
$$;

CREATE TRIGGER escalations_rollup_update AFTER UPDATE ON escalations
    REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION rollup_on_de_escalation();

-- Tickets de-escalated before this migration.
SELECT rollup_changed(ARRAY(SELECT ticket_id FROM escalations
                            WHERE status = 'de_escalated' ORDER BY ticket_id));
