-- The audit log: who changed what among rules, prompts, templates, models, users, integrations
-- and API tokens, with the request's fields (secrets blanked). Written by the access guard after
-- a successful call, so no function can forget it.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    -- Kept even when the user is deleted later.
    actor       text NOT NULL,
    action      text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}',
    status      smallint NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
