-- A customer key (e-mail, handle, name) identifies a person only within one source: two files
-- that both have a "Jo Field" must not merge two people.
ALTER TABLE customers ADD COLUMN source text NOT NULL DEFAULT '';
ALTER TABLE customers DROP CONSTRAINT customers_external_ref_key;
ALTER TABLE customers ADD CONSTRAINT customers_source_ref_key UNIQUE (source, external_ref);
