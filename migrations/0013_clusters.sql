-- Ticket clusters: one row per clustering run, its clusters (with top terms and an admin's name),
-- and each ticket's cluster and place on the 2-D projection.

CREATE TABLE cluster_runs (
    id           bigserial PRIMARY KEY,
    status       text NOT NULL DEFAULT 'done' CHECK (status IN ('done', 'failed')),
    k            integer CHECK (k > 0),
    k_chosen_by  text NOT NULL CHECK (k_chosen_by IN ('silhouette', 'admin')),
    -- Silhouette per k tried: [[k, score], ...].
    scores       jsonb NOT NULL DEFAULT '[]',
    tickets      integer NOT NULL DEFAULT 0,
    embedder     text NOT NULL DEFAULT '',
    -- Share of the variance the two projection axes explain.
    explained    real[] NOT NULL DEFAULT '{}',
    error        text,
    created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE clusters (
    id         bigserial PRIMARY KEY,
    run_id     bigint NOT NULL REFERENCES cluster_runs (id) ON DELETE CASCADE,
    idx        integer NOT NULL,
    name       text,
    size       integer NOT NULL,
    top_terms  jsonb NOT NULL DEFAULT '[]',
    UNIQUE (run_id, idx)
);

CREATE TABLE ticket_clusters (
    cluster_id  bigint NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
    ticket_id   bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    x           real NOT NULL,
    y           real NOT NULL,
    -- Distance to the cluster's centre: the smallest are its most typical tickets.
    distance    real NOT NULL,
    PRIMARY KEY (cluster_id, ticket_id)
);
CREATE INDEX ticket_clusters_ticket_idx ON ticket_clusters (ticket_id);
