//! Word splitting and stop words shared by passage selection and cluster top terms.

/// Words too common in support tickets (English, German, French, Spanish) to say what one is about.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "been", "before", "but", "by", "can", "could", "did", "do", "does", "for", "from", "get",
    "got", "had", "has", "have", "he", "hello", "her", "hi", "him", "his", "how", "i", "i'm",
    "i've", "if", "in", "into", "is", "it", "it's", "its", "just", "me", "my", "no", "not", "now",
    "of", "on", "or", "our", "out", "please", "so", "some", "still", "than", "thank", "thanks",
    "that", "the", "their", "them", "then", "there", "this", "to", "too", "up", "us", "was", "we",
    "were", "what", "when", "which", "will", "with", "would", "you", "your", "can't", "don't",
    "doesn't", "isn't", "won't", "one", "very", "know", "need", "der", "die", "das", "und", "ist",
    "ich", "nicht", "mit", "sie", "ein", "eine", "zu", "den", "für", "auf", "es", "von", "wir",
    "bitte", "le", "la", "les", "et", "est", "je", "de", "des", "un", "une", "pour", "pas", "que",
    "el", "los", "las", "y", "en", "es", "por", "con", "mi", "lo", "del", "se",
];

/// Lower-cased words of `text` (letters, digits, apostrophes inside words).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .filter(|w| !w.is_empty())
}

/// Whether a lower-cased word carries no topic.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.contains(&word) || word.chars().all(|c| c.is_numeric()) || word.chars().count() < 2
}

/// Words of `text` that carry a topic.
pub fn content_words(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text).filter(|w| !is_stop_word(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_topic_words_only() {
        let w: Vec<String> =
            content_words("Hi, I can't log in to my Account since 2024!").collect();
        assert_eq!(w, ["log", "account", "since"]);
    }
}
