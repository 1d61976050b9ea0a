//! The local trained sentiment engine: logistic regression on embeddings joined with TF-IDF n-grams.
