//! Word lists that steer scoring: negators, intensifiers, dampeners and contrast words.

/// How much an intensifier adds to (or a dampener takes from) the next sentiment word.
pub const BOOST: f32 = 0.293;
/// Negated valence = valence * NEGATE: flips the sign and softens it ("not great" is not "awful").
pub const NEGATE: f32 = -0.74;
/// Extra magnitude for an ALL-CAPS sentiment word in otherwise mixed-case text.
pub const CAPS: f32 = 0.733;
/// How far back (in words, within a clause) negators and intensifiers reach.
pub const WINDOW: usize = 3;

const NEGATORS: &[&str] = &[
    "aint", "arent", "barely", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "dont",
    "hadnt", "hardly", "hasnt", "havent", "isnt", "lack", "lacking", "mightnt", "mustnt", "neednt",
    "neither", "never", "no", "nobody", "none", "noone", "nope", "nor", "not", "nothing",
    "nowhere", "rarely", "scarcely", "seldom", "shouldnt", "wasnt", "werent", "without", "wont",
    "wouldnt",
];

const INTENSIFIERS: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerably",
    "crazy",
    "damn",
    "deeply",
    "effing",
    "enormously",
    "entirely",
    "especially",
    "exceptionally",
    "extra",
    "extremely",
    "fabulously",
    "freakin",
    "freaking",
    "frickin",
    "fricking",
    "fuckin",
    "fucking",
    "fully",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredibly",
    "insanely",
    "intensely",
    "majorly",
    "mega",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "real",
    "really",
    "remarkably",
    "seriously",
    "so",
    "soo",
    "sooo",
    "substantially",
    "super",
    "terribly",
    "thoroughly",
    "too",
    "totally",
    "tremendously",
    "truly",
    "uber",
    "unbelievably",
    "unusually",
    "utterly",
    "very",
    "way",
];

const DAMPENERS: &[&str] = &[
    "almost",
    "kinda",
    "less",
    "little",
    "marginally",
    "mildly",
    "moderately",
    "occasionally",
    "partly",
    "slightly",
    "somewhat",
    "sorta",
];

/// Whether a lower-cased word negates what follows ("not", "never", "don't", "dont").
pub fn is_negator(word: &str) -> bool {
    word.ends_with("n't") || NEGATORS.binary_search(&word).is_ok()
}

/// The boost a lower-cased word gives the next sentiment word, given the word before it
/// (for "kind of", "sort of" and "a bit"); `None` when it is no modifier.
pub fn modifier(word: &str, before: Option<&str>) -> Option<f32> {
    if INTENSIFIERS.binary_search(&word).is_ok() {
        return Some(BOOST);
    }
    if DAMPENERS.binary_search(&word).is_ok() {
        return Some(-BOOST);
    }
    match (before, word) {
        (_, "fairly" | "pretty" | "rather") => Some(0.0),
        (Some("kind" | "sort"), "of") | (Some("a"), "bit") => Some(-BOOST),
        _ => None,
    }
}

/// Words that open a clause which outweighs the one before it.
pub fn is_contrast(word: &str) -> bool {
    matches!(word, "but" | "however")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        for list in [NEGATORS, INTENSIFIERS, DAMPENERS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn negators_cover_contractions_and_bare_forms() {
        for w in [
            "not", "don't", "isn't", "dont", "never", "without", "couldn't",
        ] {
            assert!(is_negator(w), "{w}");
        }
        assert!(!is_negator("note"));
    }

    #[test]
    fn multi_word_dampeners_need_their_first_word() {
        assert_eq!(modifier("of", Some("kind")), Some(-BOOST));
        assert_eq!(modifier("of", Some("lots")), None);
        assert_eq!(modifier("very", None), Some(BOOST));
    }
}
