//! Sentence embeddings with candle: a BERT-family model folder, mean pooling, L2 normalisation.
