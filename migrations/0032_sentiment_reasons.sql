-- The LLM engine's one-sentence reason for a sentiment label, asked for in the same JSON reply:
-- kept with each stored label (tickets and follow-up messages) and each evaluation prediction.
ALTER TABLE ticket_analysis ADD COLUMN sentiment_reason text;
ALTER TABLE message_analysis ADD COLUMN sentiment_reason text;
ALTER TABLE evaluation_predictions ADD COLUMN reason text;
