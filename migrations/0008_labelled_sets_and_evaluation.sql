-- Labelled sets, trained models, prompt versions, few-shot examples and evaluation runs.

CREATE TABLE labelled_sets (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    task        text NOT NULL DEFAULT 'sentiment' CHECK (task IN ('sentiment')),
    origin      text NOT NULL CHECK (origin IN ('csv', 'tickets', 'corrections')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE labelled_items (
    id          bigserial PRIMARY KEY,
    set_id      bigint NOT NULL REFERENCES labelled_sets (id) ON DELETE CASCADE,
    text        text NOT NULL CHECK (text <> ''),
    label       text NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
    ticket_id   bigint REFERENCES tickets (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX labelled_items_text_idx ON labelled_items (set_id, md5(text));
CREATE UNIQUE INDEX labelled_items_ticket_idx ON labelled_items (set_id, ticket_id);

CREATE TABLE sentiment_models (
    id          bigserial PRIMARY KEY,
    version     integer NOT NULL UNIQUE,
    set_id      bigint REFERENCES labelled_sets (id) ON DELETE SET NULL,
    set_name    text NOT NULL,
    features    text NOT NULL,
    embedder    text NOT NULL,
    train_size  integer NOT NULL,
    metrics     jsonb,
    -- Learning curve: [[training examples, macro-F1 on the test split], ...].
    curve       jsonb,
    model       jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL
);

-- Prompt versions are immutable: a change is a new version.
CREATE TABLE prompts (
    id          bigserial PRIMARY KEY,
    task        text NOT NULL DEFAULT 'sentiment',
    version     integer NOT NULL,
    template    text NOT NULL CHECK (template <> ''),
    note        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (task, version)
);

CREATE TABLE few_shot_examples (
    id             bigserial PRIMARY KEY,
    task           text NOT NULL DEFAULT 'sentiment',
    text           text NOT NULL CHECK (text <> ''),
    label          text NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
    source_run_id  bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    retired_at     timestamptz,
    created_by     bigint REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE evaluation_runs (
    id                 bigserial PRIMARY KEY,
    set_id             bigint NOT NULL REFERENCES labelled_sets (id) ON DELETE CASCADE,
    engine             text NOT NULL CHECK (engine IN ('lexicon', 'local', 'llm')),
    engine_version     text NOT NULL,
    model_id           bigint REFERENCES sentiment_models (id) ON DELETE SET NULL,
    prompt_id          bigint REFERENCES prompts (id) ON DELETE SET NULL,
    examples_hash      text,
    status             text NOT NULL DEFAULT 'queued'
                       CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total              integer NOT NULL DEFAULT 0,
    completed          integer NOT NULL DEFAULT 0,
    metrics            jsonb,
    latency_ms         bigint NOT NULL DEFAULT 0,
    prompt_tokens      bigint NOT NULL DEFAULT 0,
    completion_tokens  bigint NOT NULL DEFAULT 0,
    fallbacks          integer NOT NULL DEFAULT 0,
    error              text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    finished_at        timestamptz,
    created_by         bigint REFERENCES users (id) ON DELETE SET NULL
);
ALTER TABLE few_shot_examples ADD FOREIGN KEY (source_run_id)
    REFERENCES evaluation_runs (id) ON DELETE SET NULL;

CREATE TABLE evaluation_predictions (
    run_id     bigint NOT NULL REFERENCES evaluation_runs (id) ON DELETE CASCADE,
    item_id    bigint NOT NULL REFERENCES labelled_items (id) ON DELETE CASCADE,
    gold       text NOT NULL,
    predicted  text NOT NULL,
    score      real NOT NULL,
    PRIMARY KEY (run_id, item_id)
);

-- Embeddings of labelled items, computed once per model and reused by training and evaluation.
CREATE TABLE labelled_embeddings (
    item_id    bigint NOT NULL REFERENCES labelled_items (id) ON DELETE CASCADE,
    model      text NOT NULL,
    embedding  vector(384) NOT NULL,
    PRIMARY KEY (item_id, model)
);
