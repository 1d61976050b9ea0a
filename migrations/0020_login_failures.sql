-- Failed logins per e-mail address, for throttling password guessing. A successful login clears
-- the address's failures.
CREATE TABLE login_failures (
    id      bigserial PRIMARY KEY,
    email   text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);
