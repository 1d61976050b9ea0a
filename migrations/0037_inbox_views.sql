-- Working views: each user's saved inbox filters and sort, by name, as the page's query string.
CREATE TABLE inbox_views (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name <> '' AND char_length(name) <= 60),
    query       text NOT NULL CHECK (char_length(query) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);

-- The inbox's "at risk" filter reads the open escalations whose warning time has passed.
CREATE INDEX escalations_open_warn_idx ON escalations (warn_at) WHERE status = 'open';
