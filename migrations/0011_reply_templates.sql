-- Reply templates per category. Versions are immutable: saving adds the next version of that
-- category, and the newest one is used. Category '*' is the fallback for any other category.
CREATE TABLE reply_templates (
    id          bigserial PRIMARY KEY,
    category    text NOT NULL CHECK (btrim(category) <> ''),
    version     integer NOT NULL CHECK (version > 0),
    body        text NOT NULL CHECK (btrim(body) <> ''),
    note        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (category, version)
);

INSERT INTO reply_templates (category, version, body, note) VALUES ('*', 1,
'Hi {{customer_name}},

Thank you for getting in touch about "{{subject}}". We have logged it as ticket #{{ticket_id}} and are looking into it now; we will come back to you as soon as we know more.

Best regards,
{{agent_name}}', 'Starter template for every category');
