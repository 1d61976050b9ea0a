-- Escalation: versioned rules, SLA policies, the inbox, its activity trail, replies and events.

-- Each version holds its whole rule list as JSON. One draft is edited at a time; activating it
-- freezes it, and the next edit starts a new draft copied from it.
CREATE TABLE rule_versions (
    id            bigserial PRIMARY KEY,
    version       integer NOT NULL UNIQUE CHECK (version > 0),
    rules         jsonb NOT NULL DEFAULT '[]',
    note          text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'retired')),
    created_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    activated_at  timestamptz,
    activated_by  bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX rule_versions_one_active ON rule_versions ((true)) WHERE status = 'active';
CREATE UNIQUE INDEX rule_versions_one_draft ON rule_versions ((true)) WHERE status = 'draft';

-- Service-level targets per priority, in minutes; counted in business hours unless `around_clock`.
CREATE TABLE sla_policies (
    priority                text PRIMARY KEY CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    first_response_minutes  integer NOT NULL CHECK (first_response_minutes > 0),
    resolution_minutes      integer NOT NULL CHECK (resolution_minutes >= first_response_minutes),
    around_clock            boolean NOT NULL DEFAULT false,
    updated_at              timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes, around_clock) VALUES
    ('urgent', 60, 480, true),
    ('high', 240, 1440, false),
    ('medium', 480, 2880, false),
    ('low', 1440, 7200, false);

-- The escalation decision of the analysis pipeline, next to the ticket's sentiment.
ALTER TABLE ticket_analysis
    ADD COLUMN escalate boolean,
    ADD COLUMN escalation jsonb,
    ADD COLUMN rule_version integer;

-- One row per escalated ticket: the inbox.
CREATE TABLE escalations (
    ticket_id           bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    queue               text NOT NULL CHECK (queue <> ''),
    severity            smallint NOT NULL CHECK (severity BETWEEN 1 AND 4),
    rule_version        integer,
    reasons             jsonb NOT NULL DEFAULT '[]',
    assignee_id         bigint REFERENCES users (id) ON DELETE SET NULL,
    claimed_at          timestamptz,
    first_response_due  timestamptz NOT NULL,
    resolution_due      timestamptz NOT NULL,
    first_response_at   timestamptz,
    -- The deadline that matters now: first response until there is one, then resolution.
    due_at              timestamptz GENERATED ALWAYS AS (
                            CASE WHEN first_response_at IS NULL
                                 THEN least(first_response_due, resolution_due)
                                 ELSE resolution_due END) STORED,
    -- The agent's judgement when resolving: did this ticket need a person? (feeds backtests)
    verdict             boolean,
    created_at          timestamptz NOT NULL DEFAULT now(),
    resolved_at         timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalations_inbox_idx ON escalations (status, due_at, ticket_id);
CREATE INDEX escalations_assignee_idx ON escalations (assignee_id, status, due_at);
CREATE INDEX escalations_due_idx ON escalations (due_at, ticket_id);

-- Who did what to an escalated ticket, and when. Notes are activities too.
CREATE TABLE escalation_activity (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    kind        text NOT NULL CHECK (kind IN ('escalated', 'claimed', 'unclaimed', 'assigned',
                                              'note', 'reply', 'resolved', 'reopened')),
    body        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalation_activity_ticket_idx ON escalation_activity (ticket_id, id);

-- Replies to tickets, written by agents or drafted by the pipeline.
CREATE TABLE responses (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    method      text NOT NULL CHECK (method IN ('agent', 'template', 'retrieval')),
    body        text NOT NULL CHECK (body <> ''),
    status      text NOT NULL CHECK (status IN ('draft', 'sent', 'rejected')),
    -- How a sent reply left: by hand (no integration configured), e-mail or webhook.
    delivery    text CHECK (delivery IN ('manual', 'email', 'webhook')),
    author_id   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX responses_ticket_idx ON responses (ticket_id, id);

-- An escalated ticket never receives an automatic reply, whichever code path tries to send one.
CREATE FUNCTION refuse_automatic_reply_to_escalated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.method <> 'agent' AND NEW.status = 'sent'
       AND EXISTS (SELECT 1 FROM escalations WHERE ticket_id = NEW.ticket_id) THEN
        RAISE EXCEPTION 'ticket % is escalated: automatic replies are not allowed', NEW.ticket_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER responses_no_auto_reply_when_escalated BEFORE INSERT OR UPDATE ON responses
    FOR EACH ROW EXECUTE FUNCTION refuse_automatic_reply_to_escalated();

-- Events for the integrations layer (webhooks, e-mail) to deliver; recorded once per occurrence.
CREATE TABLE events (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    ticket_id     bigint REFERENCES tickets (id) ON DELETE CASCADE,
    payload       jsonb NOT NULL,
    dedupe_key    text UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    delivered_at  timestamptz
);
CREATE INDEX events_undelivered_idx ON events (id) WHERE delivered_at IS NULL;
