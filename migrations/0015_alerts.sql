-- Prevention alerts: spikes per category, product and product × category against their seasonal
-- baseline, categories that keep growing week after week, and new clusters. The detection job
-- rewrites them from the rollups; an alert keeps its id while it goes on, so its issue.spike
-- event is raised once.

CREATE TABLE alerts (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('spike', 'growth', 'new_cluster')),
    -- What it is about: a product, a category, both, or a cluster.
    product_id   bigint REFERENCES products (id) ON DELETE CASCADE,
    category     text,
    cluster_id   bigint REFERENCES clusters (id) ON DELETE CASCADE,
    since        date NOT NULL,
    until        date NOT NULL CHECK (until >= since),
    -- Tickets in [since, until] and what the baseline expected there.
    tickets      integer NOT NULL,
    expected     double precision NOT NULL,
    -- Spikes: the probability of so many tickets had the rate not changed.
    p_value      double precision,
    detected_at  timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (product_id IS NOT NULL OR category IS NOT NULL OR cluster_id IS NOT NULL)
);
CREATE INDEX alerts_until_idx ON alerts (until DESC);
