//! The lexicon sentiment baseline: valence words, negation, intensifiers, punctuation, caps, emoji.
