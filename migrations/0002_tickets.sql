-- Customers, products and tickets: the core of what TicketLens reads.
CREATE TABLE products (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name <> ''),
    line        text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id            bigserial PRIMARY KEY,
    external_ref  text NOT NULL UNIQUE CHECK (external_ref <> ''),
    name          text,
    email         text,
    vip           boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
    id                 bigserial PRIMARY KEY,
    source             text NOT NULL,
    external_id        text NOT NULL,
    customer_id        bigint REFERENCES customers (id),
    product_id         bigint REFERENCES products (id),
    subject            text NOT NULL,
    body               text NOT NULL,
    channel            text NOT NULL CHECK (channel IN ('email', 'chat', 'phone', 'social', 'web')),
    priority           text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    priority_rank      smallint GENERATED ALWAYS AS (
                           CASE priority WHEN 'low' THEN 1 WHEN 'medium' THEN 2
                                         WHEN 'high' THEN 3 ELSE 4 END) STORED,
    status             text NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    category           text,
    language           text,
    created_at         timestamptz NOT NULL,
    first_response_at  timestamptz CHECK (first_response_at >= created_at),
    resolved_at        timestamptz CHECK (resolved_at >= created_at),
    csat               smallint CHECK (csat BETWEEN 1 AND 5),
    agent_reply        text,
    gold_sentiment     text CHECK (gold_sentiment IN ('negative', 'neutral', 'positive')),
    gold_escalate      boolean,
    imported_at        timestamptz NOT NULL DEFAULT now(),
    search             tsvector GENERATED ALWAYS AS (
                           setweight(to_tsvector('english', subject), 'A') ||
                           setweight(to_tsvector('english', body), 'B')) STORED,
    UNIQUE (source, external_id)
);

CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_priority_idx ON tickets (priority_rank DESC, created_at DESC, id DESC);
CREATE INDEX tickets_customer_idx ON tickets (customer_id, created_at DESC);
CREATE INDEX tickets_product_idx ON tickets (product_id, created_at DESC);
CREATE INDEX tickets_search_idx ON tickets USING gin (search);
