//! Splits text into word, emoticon and emoji tokens, remembering case and clause breaks.

use super::words;

/// One token: its lower-cased form for lookups plus what the scoring rules need to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub lower: String,
    /// Written in capitals with at least two letters ("GREAT").
    pub shouted: bool,
    /// Clause number; negators and intensifiers do not reach across clauses.
    pub clause: usize,
}

/// Tokens of `text`: URLs and @mentions dropped, punctuation stripped from words, known
/// emoticons kept whole, every emoji its own token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let text = unescape(text).replace(['\u{2019}', '\u{2018}', '`'], "'");
    let mut tokens = Vec::new();
    let mut clause = 0;
    for chunk in text.split_whitespace() {
        let lower = chunk.to_lowercase();
        if is_link_or_mention(&lower) {
            continue;
        }
        if is_emoticon(&lower) {
            tokens.push(Token {
                lower,
                shouted: false,
                clause,
            });
            continue;
        }
        let mut word = String::new();
        for c in chunk.chars() {
            if is_emoji(c) {
                push_word(&mut tokens, &mut word, clause);
                tokens.push(Token {
                    lower: c.to_string(),
                    shouted: false,
                    clause,
                });
            } else if !is_emoji_glue(c) {
                word.push(c);
            }
        }
        push_word(&mut tokens, &mut word, clause);
        let tail = chunk.trim_end_matches(|c: char| !c.is_alphanumeric());
        if chunk[tail.len()..].contains(is_clause_end) {
            clause += 1;
        }
    }
    tokens
}

/// Trims punctuation off `word` and pushes it (if anything is left), leaving `word` empty.
fn push_word(tokens: &mut Vec<Token>, word: &mut String, clause: usize) {
    let trimmed = word.trim_matches(|c: char| !c.is_alphanumeric());
    if !trimmed.is_empty() {
        let letters = trimmed.chars().filter(|c| c.is_alphabetic()).count();
        let shouted = letters >= 2 && !trimmed.chars().any(char::is_lowercase);
        tokens.push(Token {
            lower: trimmed.to_lowercase(),
            shouted,
            clause,
        });
    }
    word.clear();
}

/// Decodes literal `\uXXXX` escapes that some exports leave in text ("didn\u2019t").
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\\u") {
        out.push_str(&rest[..at]);
        let hex = rest.get(at + 2..at + 6);
        let decoded = hex
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[at + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_link_or_mention(lower: &str) -> bool {
    lower.starts_with('@') || lower.starts_with("http") || lower.starts_with("www.")
}

/// A chunk that is an emoticon in the lexicon (":)", "<3", ":-(", "xD").
fn is_emoticon(lower: &str) -> bool {
    !lower.chars().all(char::is_alphanumeric) && words::valence(lower).is_some()
}

fn is_clause_end(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?')
}

/// Pictographic characters: emoji, dingbats and miscellaneous symbols.
fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1F3FA | 0x1F400..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// Characters that only modify an emoji: skin tones, variation selectors, zero-width joiner.
fn is_emoji_glue(c: char) -> bool {
    matches!(c as u32, 0x1F3FB..=0x1F3FF | 0xFE00..=0xFE0F | 0x200D)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowers(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.lower).collect()
    }

    #[test]
    fn strips_punctuation_but_keeps_contractions() {
        assert_eq!(
            lowers("Don't, \"ever\" (again)!"),
            ["don't", "ever", "again"]
        );
        assert_eq!(lowers("It\u{2019}s #awesome"), ["it's", "awesome"]);
    }

    #[test]
    fn keeps_emoticons_and_splits_emoji() {
        assert_eq!(lowers("ok :) fine <3"), ["ok", ":)", "fine", "<3"]);
        assert_eq!(
            lowers("great😍😍 \u{2764}\u{FE0F}"),
            ["great", "😍", "😍", "\u{2764}"]
        );
        assert_eq!(lowers("👍🏽 😂😂!"), ["👍", "😂", "😂"]);
    }

    #[test]
    fn decodes_literal_unicode_escapes() {
        assert_eq!(
            lowers(r"didn\u2019t work\u002c ok"),
            ["didn't", "work", "ok"]
        );
        assert_eq!(lowers(r"a\u12 \uzzzz\u"), ["a\\u12", "uzzzz\\u"]);
    }

    #[test]
    fn drops_links_and_mentions() {
        assert_eq!(lowers("@user see http://x.co/a now"), ["see", "now"]);
    }

    #[test]
    fn marks_shouting_and_clauses() {
        let t = tokenize("NOT bad, I said. OK");
        assert!(t[0].shouted && !t[1].shouted && !t[2].shouted && t[4].shouted);
        let clauses: Vec<usize> = t.iter().map(|t| t.clause).collect();
        assert_eq!(clauses, [0, 0, 1, 1, 2]);
    }
}
