-- Outgoing e-mail: replies to customers and notifications to the team, queued in the same
-- transaction as what caused them, sent by the worker over SMTP and recorded on the ticket.
CREATE TABLE emails (
    id               bigserial PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('reply', 'notification')),
    ticket_id        bigint REFERENCES tickets (id) ON DELETE CASCADE,
    -- A reply is e-mailed once; a notification once per event.
    response_id      bigint UNIQUE REFERENCES responses (id) ON DELETE CASCADE,
    event_id         bigint UNIQUE REFERENCES events (id) ON DELETE CASCADE,
    to_address       text NOT NULL CHECK (to_address LIKE '%_@_%'),
    subject          text NOT NULL,
    body             text NOT NULL,
    -- The same through every retry, so a receiver can tell a resend after a crash.
    message_id       text NOT NULL UNIQUE,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    locked_until     timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX emails_due_idx ON emails (next_attempt_at) WHERE status = 'pending';
CREATE INDEX emails_ticket_idx ON emails (ticket_id, id);
-- Notifications look for recent escalations and spikes.
CREATE INDEX events_kind_created_idx ON events (kind, created_at);
