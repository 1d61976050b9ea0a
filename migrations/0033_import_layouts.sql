-- Saved import layouts: a named column mapping, offered again for a file whose header has the
-- same fingerprint. Imports remember their layout, the kind of file, and when they last made
-- progress (an import with no progress for a while and no finish was interrupted).
CREATE TABLE import_layouts (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    fingerprint  text NOT NULL,
    header       jsonb NOT NULL,
    mapping      jsonb NOT NULL,
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_layouts_fingerprint ON import_layouts (fingerprint, updated_at DESC);

ALTER TABLE imports
    ADD COLUMN file_kind   text,
    ADD COLUMN layout_id   bigint REFERENCES import_layouts (id) ON DELETE SET NULL,
    ADD COLUMN progress_at timestamptz,
    ADD COLUMN stored_file text;
