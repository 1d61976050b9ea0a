-- Background jobs, ticket embeddings and per-ticket analysis results.

-- One row per unit of background work. Workers claim rows with FOR UPDATE SKIP LOCKED; a row whose
-- lock expired (its worker died) is claimed again. `dedupe_key` makes enqueuing idempotent.
CREATE TABLE jobs (
    id            bigserial PRIMARY KEY,
    kind          text NOT NULL,
    payload       jsonb NOT NULL DEFAULT '{}',
    dedupe_key    text UNIQUE,
    status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL DEFAULT 5,
    run_after     timestamptz NOT NULL DEFAULT now(),
    locked_until  timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX jobs_ready_idx ON jobs (kind, run_after, id) WHERE status IN ('queued', 'running');

-- Every new ticket gets an analysis job, whichever way it arrived (import, API, demo loader).
CREATE FUNCTION enqueue_ticket_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (kind, payload, dedupe_key)
    SELECT 'analyse_ticket', jsonb_build_object('ticket_id', n.id), 'analyse_ticket:' || n.id
    FROM new_tickets n
    ON CONFLICT (dedupe_key) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_enqueue_analysis AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_tickets
    FOR EACH STATEMENT EXECUTE FUNCTION enqueue_ticket_analysis();

CREATE TABLE ticket_embeddings (
    ticket_id   bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    model       text NOT NULL,
    embedding   vector(384) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_embeddings_hnsw_idx ON ticket_embeddings
    USING hnsw (embedding vector_cosine_ops);

CREATE TABLE ticket_analysis (
    ticket_id          bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    sentiment          text NOT NULL CHECK (sentiment IN ('negative', 'neutral', 'positive')),
    sentiment_score    real NOT NULL CHECK (sentiment_score BETWEEN -1 AND 1),
    sentiment_engine   text NOT NULL,
    sentiment_version  text NOT NULL,
    analysed_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_analysis_sentiment_idx ON ticket_analysis (sentiment);

-- Admin choices that change how tickets are analysed (active engine, model, prompt).
CREATE TABLE app_settings (
    key         text PRIMARY KEY,
    value       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  bigint REFERENCES users (id) ON DELETE SET NULL
);
