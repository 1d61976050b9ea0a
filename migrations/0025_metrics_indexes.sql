-- `/metrics` counts failed jobs, dead webhook deliveries and dead e-mails on every scrape: small
-- partial indexes keep those counts index-only however large the finished history grows.
CREATE INDEX jobs_failed_idx ON jobs (kind) WHERE status = 'failed';
CREATE INDEX webhook_deliveries_dead_idx ON webhook_deliveries (id) WHERE status = 'dead';
CREATE INDEX emails_dead_idx ON emails (id) WHERE status = 'dead';
