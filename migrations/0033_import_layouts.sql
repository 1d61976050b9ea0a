-- Saved import layouts: a named column mapping, offered again for a file whose header has the
-- same fingerprint. Imports remember their layout, the kind of file, and when they last made
-- progress (an import with no progress for a while and no finish was interrupted).
CREATE TABLE import_layouts (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    fingerprint  text NOT NULL,
    header       jsonb NOT NULL,
    mapping      jsonb NOT NULL,
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
-- Names are found ignoring case, so they are unique ignoring case.
CREATE UNIQUE INDEX import_layouts_name ON import_layouts (lower(name));
CREATE INDEX import_layouts_fingerprint ON import_layouts (fingerprint, updated_at DESC);

-- Files uploaded on the Data page, kept for the mapping screen and to resume an import that
-- was interrupted (64 MB at most each).
CREATE TABLE import_uploads (
    id          bigserial PRIMARY KEY,
    file_name   text NOT NULL,
    content     bytea NOT NULL,
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- `plan`: the layout choice and source an import ran with, so a resume runs it the same way.
ALTER TABLE imports
    ADD COLUMN file_kind   text,
    ADD COLUMN layout_id   bigint REFERENCES import_layouts (id) ON DELETE SET NULL,
    ADD COLUMN progress_at timestamptz,
    ADD COLUMN upload_id   bigint REFERENCES import_uploads (id) ON DELETE SET NULL,
    ADD COLUMN plan        jsonb;
