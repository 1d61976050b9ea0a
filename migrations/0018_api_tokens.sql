-- API tokens: a user's bearer credentials for /api/v1, carrying the user's role. Only the SHA-256
-- of a token is kept; the token itself is shown once when it is created.
CREATE TABLE api_tokens (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (name <> '' AND length(name) <= 100),
    token_hash    bytea NOT NULL UNIQUE,
    -- The first characters of the token, so a user can tell their tokens apart.
    prefix        text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
