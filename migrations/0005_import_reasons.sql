-- Why rows were skipped, counted per reason (including rows that are not tickets, such as replies).
ALTER TABLE imports ADD COLUMN reasons jsonb NOT NULL DEFAULT '{}';
