-- Product / issue categories: trained models of two engines, agents' corrections, and the
-- category the active model predicted for each analysed ticket.

CREATE TABLE category_models (
    id          bigserial PRIMARY KEY,
    version     integer NOT NULL UNIQUE,
    engine      text NOT NULL CHECK (engine IN ('tfidf', 'embedding')),
    embedder    text NOT NULL,
    train_size  integer NOT NULL,
    test_size   integer NOT NULL,
    -- Labelled tickets dropped because their text repeated an earlier one.
    duplicates  integer NOT NULL DEFAULT 0,
    classes     jsonb NOT NULL,
    -- Figures on the held-out split (accuracy, per-class F1, confusion matrix).
    metrics     jsonb NOT NULL,
    -- Cross-validated accuracy next to the majority rate: do the labels carry signal?
    signal      jsonb NOT NULL,
    model       jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL
);

-- An agent's category for a ticket; it wins over the imported label in training.
CREATE TABLE category_corrections (
    ticket_id     bigint PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    category      text NOT NULL CHECK (category <> ''),
    corrected_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    corrected_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE ticket_analysis
    ADD COLUMN category             text,
    ADD COLUMN category_confidence  real CHECK (category_confidence BETWEEN 0 AND 1),
    ADD COLUMN category_model       bigint REFERENCES category_models (id) ON DELETE SET NULL;
CREATE INDEX ticket_analysis_category_idx ON ticket_analysis (category);
