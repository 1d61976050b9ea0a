-- Data-quality reports, one per ticket source, rewritten by the check_quality job after each
-- import into the source (or on request).
CREATE TABLE quality_reports (
    source      text PRIMARY KEY,
    report      jsonb NOT NULL,
    checked_at  timestamptz NOT NULL DEFAULT now()
);
