-- Tuned local sentiment models: the encoder layers they changed (safetensors, on top of the base
-- embedding model's weights) and the recipe that made them, so training can be repeated.
ALTER TABLE sentiment_models
    ADD COLUMN tuned_layers bytea,
    ADD COLUMN recipe jsonb;
