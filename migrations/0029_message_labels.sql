-- Evaluation on follow-ups (issue 19): an agent labels the sentiment of any customer message, not
-- only a ticket's opening one; the item keeps the message it came from (not its ticket: a ticket
-- and its follow-ups are labelled apart), and every evaluation run reports its figures on those
-- items as well as on the whole set.
ALTER TABLE labelled_items
    ADD COLUMN message_id bigint REFERENCES messages (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX labelled_items_message_idx ON labelled_items (set_id, message_id);
ALTER TABLE evaluation_runs ADD COLUMN follow_up_metrics jsonb;
