-- Outbound webhooks. Events (0009) are the outbox; each active subscription to an event's kind
-- gets one delivery of it, whose id stays the same through every retry and replay so receivers
-- can drop duplicates. Every attempt is logged with its response.

CREATE TABLE webhook_subscriptions (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (name <> ''),
    url         text NOT NULL CHECK (url ~ '^https?://[^\s]+$'),
    -- The HMAC key receivers verify signatures with. It has to be kept readable to sign.
    secret      text NOT NULL CHECK (length(secret) >= 16),
    events      text[] NOT NULL CHECK (cardinality(events) > 0),
    active      boolean NOT NULL DEFAULT true,
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id               text PRIMARY KEY DEFAULT 'dlv_' || replace(gen_random_uuid()::text, '-', ''),
    subscription_id  bigint NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id         bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A worker sending it holds it until then; a worker that died lets it go when it passes.
    locked_until     timestamptz,
    last_code        integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_recent_idx ON webhook_deliveries (created_at DESC);

CREATE TABLE webhook_attempts (
    id                bigserial PRIMARY KEY,
    delivery_id       text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt           integer NOT NULL,
    started_at        timestamptz NOT NULL,
    duration_ms       integer NOT NULL,
    request_headers   jsonb NOT NULL,
    -- None when no response came (timeout, refused connection).
    status_code       integer,
    response_excerpt  text,
    error             text
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);

-- `events.delivered_at` now means "handed to the subscriptions" (deliveries created).
COMMENT ON COLUMN events.delivered_at IS 'when the event was fanned out to webhook deliveries';

-- The ticket as events carry it.
CREATE FUNCTION ticket_event_data(id bigint) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', t.id, 'source', t.source, 'external_id', t.external_id,
        'subject', t.subject, 'body', t.body, 'channel', t.channel, 'priority', t.priority,
        'status', t.status, 'category', COALESCE(a.category, t.category),
        'product', p.name, 'customer_email', c.email, 'customer_name', c.name,
        'created_at', t.created_at,
        'sentiment', a.sentiment, 'sentiment_score', a.sentiment_score,
        'escalate', a.escalate)
    FROM tickets t
    LEFT JOIN products p ON p.id = t.product_id
    LEFT JOIN customers c ON c.id = t.customer_id
    LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
    WHERE t.id = $1
$$;

-- Records ticket events only while someone subscribes to them: a million-row import without
-- subscriptions writes no outbox rows.
CREATE FUNCTION subscribed(kind text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE active AND kind = ANY (events))
$$;

CREATE FUNCTION events_on_ticket_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF subscribed('ticket.created') THEN
        INSERT INTO events (kind, ticket_id, payload, dedupe_key)
        SELECT 'ticket.created', n.id, ticket_event_data(n.id), 'ticket.created:' || n.id
        FROM changed n ORDER BY n.id
        ON CONFLICT (dedupe_key) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_events_insert AFTER INSERT ON tickets REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION events_on_ticket_insert();

-- One ticket.analysed per analysis (a re-analysis is a new one).
CREATE FUNCTION events_on_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF subscribed('ticket.analysed') THEN
        INSERT INTO events (kind, ticket_id, payload, dedupe_key)
        SELECT 'ticket.analysed', n.ticket_id, ticket_event_data(n.ticket_id),
               'ticket.analysed:' || n.ticket_id || ':' || extract(epoch FROM n.analysed_at)
        FROM changed n ORDER BY n.ticket_id
        ON CONFLICT (dedupe_key) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER analysis_events_insert AFTER INSERT ON ticket_analysis
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION events_on_analysis();
CREATE TRIGGER analysis_events_update AFTER UPDATE ON ticket_analysis
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION events_on_analysis();

-- response.drafted when a draft appears, response.sent when a reply is sent (once each).
CREATE FUNCTION events_on_response() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF subscribed('response.drafted') THEN
        INSERT INTO events (kind, ticket_id, payload, dedupe_key)
        SELECT 'response.drafted', n.ticket_id,
               jsonb_build_object('response_id', n.id, 'method', n.method, 'body', n.body,
                                  'version', n.version, 'ticket', ticket_event_data(n.ticket_id)),
               'response.drafted:' || n.id
        FROM changed n WHERE n.status = 'draft' ORDER BY n.id
        ON CONFLICT (dedupe_key) DO NOTHING;
    END IF;
    IF subscribed('response.sent') THEN
        INSERT INTO events (kind, ticket_id, payload, dedupe_key)
        SELECT 'response.sent', n.ticket_id,
               jsonb_build_object('response_id', n.id, 'method', n.method, 'body', n.body,
                                  'delivery', n.delivery, 'sent_at', n.sent_at,
                                  'ticket', ticket_event_data(n.ticket_id)),
               'response.sent:' || n.id
        FROM changed n WHERE n.status = 'sent' ORDER BY n.id
        ON CONFLICT (dedupe_key) DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER responses_events_insert AFTER INSERT ON responses
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION events_on_response();
CREATE TRIGGER responses_events_update AFTER UPDATE ON responses
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION events_on_response();

-- Inbound webhooks: each source that posts tickets to /hooks/inbound/{source} signs them with its
-- own secret (or sends an API token instead).
CREATE TABLE inbound_sources (
    source      text PRIMARY KEY CHECK (source ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    secret      text NOT NULL CHECK (length(secret) >= 16),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
