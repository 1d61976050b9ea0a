-- A category model may be trained on the labels of one import source (a team's own export,
-- mapped on the Data page) rather than on every labelled ticket; NULL: every labelled ticket.
ALTER TABLE category_models ADD COLUMN source text;
