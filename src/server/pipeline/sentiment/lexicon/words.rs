//! The valence table: `data/sentiment_lexicon.txt` (word or phrase, tab, valence in -4..=4) parsed once into a map.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The data file, one `entry<TAB>valence` per line; `#` starts a comment line.
const LEXICON_TXT: &str = include_str!("../../../../../data/sentiment_lexicon.txt");

/// Longest phrase in the table, in words.
pub const MAX_PHRASE_WORDS: usize = 4;

static TABLE: LazyLock<HashMap<&'static str, f32>> = LazyLock::new(|| parse(LEXICON_TXT));

/// Parses `entry<TAB>valence` lines; malformed lines and out-of-range valences are skipped.
fn parse(text: &'static str) -> HashMap<&'static str, f32> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (entry, value) = line.split_once('\t')?;
            let value: f32 = value.trim().parse().ok()?;
            let entry = entry.trim();
            (!entry.is_empty() && (-4.0..=4.0).contains(&value)).then_some((entry, value))
        })
        .collect()
}

/// Valence of a lower-cased word, emoticon, emoji or space-joined phrase.
pub fn valence(entry: &str) -> Option<f32> {
    TABLE.get(entry).copied()
}

/// Valence of a word, also trying it with stretched letters squeezed ("sooo", "loooove").
/// The flag says whether the word was stretched.
pub fn word_valence(word: &str) -> Option<(f32, bool)> {
    if let Some(v) = valence(word) {
        return Some((v, false));
    }
    [2, 1]
        .into_iter()
        .filter_map(|keep| squeeze(word, keep))
        .find_map(|short| valence(&short))
        .map(|v| (v, true))
}

/// Cuts every run of three or more equal letters down to `keep`; `None` when there is none.
pub fn squeeze(word: &str, keep: usize) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = chars[i..].iter().take_while(|&&d| d == c).count();
        let take = if run >= 3 && c.is_alphabetic() {
            changed = true;
            keep
        } else {
            run
        };
        out.extend(std::iter::repeat_n(c, take));
        i += run;
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_a_full_word_list() {
        let n = TABLE.len();
        assert!((1500..=3000).contains(&n), "{n} entries");
        assert!(TABLE.values().all(|v| (-4.0..=4.0).contains(v)));
        assert!(TABLE
            .keys()
            .all(|k| *k == k.to_lowercase().as_str() && k.trim() == *k));
        let longest = TABLE.keys().map(|k| k.split(' ').count()).max();
        assert_eq!(
            longest,
            Some(MAX_PHRASE_WORDS),
            "phrases longer than the matcher looks"
        );
    }

    #[test]
    fn data_file_lines_are_all_well_formed() {
        let entries = LEXICON_TXT
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        assert_eq!(
            entries.count(),
            TABLE.len(),
            "a malformed or duplicate line"
        );
    }

    #[test]
    fn parse_skips_malformed_lines() {
        let map = parse("good\t2\n# note\nbad line\nhuge\t9\n\t1\nnice\tx\nmeh\t-1.5\n");
        assert_eq!(map.len(), 2);
        assert_eq!((map.get("good"), map.get("meh")), (Some(&2.0), Some(&-1.5)));
    }

    #[test]
    fn stretched_letters_are_squeezed() {
        assert_eq!(squeeze("goood", 2).as_deref(), Some("good"));
        assert_eq!(squeeze("sooo", 1).as_deref(), Some("so"));
        assert_eq!(squeeze("good", 1), None);
        assert_eq!(word_valence("haaappy").map(|(_, s)| s), Some(true));
        assert_eq!(word_valence("happy").map(|(_, s)| s), Some(false));
    }
}
