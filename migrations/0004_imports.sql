-- Every CSV import, with its counts and the rows it skipped, so the Data page can report them.
CREATE TABLE imports (
    id           bigserial PRIMARY KEY,
    file_name    text NOT NULL,
    format       text NOT NULL,
    source       text NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    rows_read    bigint NOT NULL DEFAULT 0,
    inserted     bigint NOT NULL DEFAULT 0,
    duplicates   bigint NOT NULL DEFAULT 0,
    skipped      bigint NOT NULL DEFAULT 0,
    failure      text,
    user_id      bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE import_errors (
    import_id  bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    line       bigint NOT NULL,
    reason     text NOT NULL,
    PRIMARY KEY (import_id, line)
);
