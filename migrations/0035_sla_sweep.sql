-- SLA escalation that climbs: when a deadline is at risk (80% of its business time used) and when
-- it is breached, a periodic sweep notifies the assignee and the queue's manager, once per step.

-- When each deadline is at risk, computed with the due times in business time (not a fixed share
-- of wall-clock time); rows written without one (before this migration, or by hand) get 80% of
-- the wall-clock span. `warn_at` is the one that matters now, as `due_at` is.
ALTER TABLE escalations
    ADD COLUMN first_response_warn  timestamptz,
    ADD COLUMN resolution_warn      timestamptz;
CREATE FUNCTION escalation_warn_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.first_response_warn := coalesce(NEW.first_response_warn,
        NEW.created_at + (NEW.first_response_due - NEW.created_at) * 0.8);
    NEW.resolution_warn := coalesce(NEW.resolution_warn,
        NEW.created_at + (NEW.resolution_due - NEW.created_at) * 0.8);
    RETURN NEW;
END $$;
CREATE TRIGGER escalations_warn_defaults BEFORE INSERT ON escalations
    FOR EACH ROW EXECUTE FUNCTION escalation_warn_defaults();
UPDATE escalations SET
    first_response_warn = created_at + (first_response_due - created_at) * 0.8,
    resolution_warn = created_at + (resolution_due - created_at) * 0.8;
ALTER TABLE escalations
    ALTER COLUMN first_response_warn SET NOT NULL,
    ALTER COLUMN resolution_warn SET NOT NULL,
    ADD COLUMN warn_at timestamptz GENERATED ALWAYS AS (
        CASE WHEN first_response_at IS NULL
             THEN least(first_response_warn, resolution_warn)
             ELSE resolution_warn END) STORED,
    -- The deadline (`due_at`) each step was taken for: a new deadline (first response given,
    -- reopened) starts its steps again.
    ADD COLUMN warned_due    timestamptz,
    ADD COLUMN breached_due  timestamptz;
-- Deadlines already past when the sweep arrived are not announced after the fact.
UPDATE escalations SET warned_due = due_at, breached_due = due_at WHERE due_at <= now();
UPDATE escalations SET warned_due = due_at WHERE warn_at <= now() AND warned_due IS NULL;

-- The sweep reads only escalations with a step to take.
CREATE INDEX escalations_warn_step_idx ON escalations (warn_at)
    WHERE status = 'open' AND warned_due IS DISTINCT FROM due_at;
CREATE INDEX escalations_breach_step_idx ON escalations (due_at)
    WHERE status = 'open' AND breached_due IS DISTINCT FROM due_at;

-- In-app notifications: what a user is told, newest first, until read.
CREATE TABLE notifications (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ticket_id   bigint REFERENCES tickets (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('sla.warning', 'sla.breached')),
    body        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_ticket_idx ON notifications (ticket_id, id);

-- SLA e-mails go to a person of the team, several per event: they carry no event id.
ALTER TABLE emails DROP CONSTRAINT emails_kind_check;
ALTER TABLE emails ADD CONSTRAINT emails_kind_check
    CHECK (kind IN ('reply', 'notification', 'sla'));
