//! Compiles every keyword list and regex of a rule set once so a ticket is scanned in one pass instead of rule by rule.

use std::collections::HashMap;
use std::fmt;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use super::regexes::RegexLists;
use super::text::{fold, fold_term};

/// Up to this many distinct keyword terms the automaton is built as a DFA.
const DFA_MAX_TERMS: usize = 5_000;

/// A place in the original text where a condition matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The keyword or regex list that matched.
    pub source: Source,
    /// Start byte offset in the original text.
    pub start: usize,
    /// End byte offset (exclusive) in the original text.
    pub end: usize,
    /// A keyword hit preceded by a negator; shown to users but it does not fire.
    pub negated: bool,
}

/// Which list a hit or error belongs to: an index into the lists given to [`TextMatcher::build`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Index into the keyword lists.
    Keywords(usize),
    /// Index into the regex lists.
    Regexes(usize),
}

/// A keyword or regex that could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    /// The list holding the bad pattern.
    pub list: Source,
    /// The pattern as given.
    pub pattern: String,
    /// Why it was rejected.
    pub reason: String,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.list {
            Source::Keywords(_) => "keyword",
            Source::Regexes(_) => "regex",
        };
        write!(f, "{kind} \"{}\": {}", self.pattern, self.reason)
    }
}

impl std::error::Error for BuildError {}

/// Which lists fired for one text, indexed like the lists given to [`TextMatcher::build`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// `keywords[i]`: keyword list `i` had at least one non-negated hit.
    pub keywords: Vec<bool>,
    /// `regexes[i]`: some regex of list `i` matched.
    pub regexes: Vec<bool>,
}

/// All keyword lists and regexes of a rule set, compiled once; `Send + Sync`, share it in an `Arc`.
///
/// Keywords match case- and accent-insensitively, as whole words, with any whitespace between
/// the words of a phrase. A keyword hit is negated when one of the 3 words before it (within
/// the same clause) is a negator such as "not" or "no". Limitation: "no refund received" is
/// therefore a negated hit for the term "refund"; to catch it, add the phrase "no refund" as a
/// term — a term's own words are never read as negating it.
///
/// Regexes match the original text, case-insensitively by default (`(?-i)` turns that off);
/// one `RegexSet` finds which may match, and only those are run on their own.
#[derive(Debug)]
pub struct TextMatcher {
    /// One automaton over the distinct folded terms; `None` when there are no terms.
    keywords: Option<AhoCorasick>,
    /// For each automaton pattern, the keyword lists holding it.
    term_lists: Vec<Vec<usize>>,
    keyword_lists: usize,
    /// All patterns of all regex lists.
    regexes: RegexLists,
}

impl TextMatcher {
    /// Compiles the lists; an empty term or pattern, or a regex that fails to compile or is
    /// over the size limit, is an error naming it.
    pub fn build(
        keyword_lists: &[Vec<String>],
        regex_lists: &[Vec<String>],
    ) -> Result<Self, BuildError> {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut terms: Vec<String> = Vec::new();
        let mut term_lists: Vec<Vec<usize>> = Vec::new();
        for (list, list_terms) in keyword_lists.iter().enumerate() {
            for term in list_terms {
                let folded = fold_term(term);
                if folded.is_empty() {
                    return Err(error(Source::Keywords(list), term, "empty term"));
                }
                let id = *ids.entry(folded.clone()).or_insert_with(|| {
                    terms.push(folded);
                    term_lists.push(Vec::new());
                    terms.len() - 1
                });
                if !term_lists[id].contains(&list) {
                    term_lists[id].push(list);
                }
            }
        }
        let keywords = if terms.is_empty() {
            None
        } else {
            let kind = (terms.len() <= DFA_MAX_TERMS).then_some(AhoCorasickKind::DFA);
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .kind(kind)
                .build(&terms)
                .map_err(|e| error(Source::Keywords(0), "<all keywords>", &e.to_string()))?;
            Some(ac)
        };

        let regexes = RegexLists::build(regex_lists)?;
        Ok(TextMatcher {
            keywords,
            term_lists,
            keyword_lists: keyword_lists.len(),
            regexes,
        })
    }

    /// All hits, in order of start; negated keyword hits are included with `negated = true`
    /// (callers show them but they do not fire).
    pub fn scan(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        if let Some(ac) = &self.keywords {
            let folded = fold(text);
            for m in ac.find_overlapping_iter(folded.text.as_str()) {
                if !folded.is_whole_word(m.start(), m.end()) {
                    continue;
                }
                let negated = folded.is_negated(text, m.start());
                let range = folded.original_range(m.start(), m.end());
                for &list in &self.term_lists[m.pattern().as_usize()] {
                    hits.push(hit(Source::Keywords(list), range.clone(), negated));
                }
            }
        }
        self.regexes.spans(text, |list, range| {
            hits.push(hit(Source::Regexes(list), range, false));
        });
        hits.sort_by_key(|h| (h.start, h.end, h.source));
        hits
    }

    /// Which keyword lists fired (a non-negated hit) and which regex lists matched; cheaper
    /// than [`TextMatcher::scan`] (no regex spans, negation checked only while it matters).
    pub fn fired(&self, text: &str) -> Fired {
        let mut keywords = vec![false; self.keyword_lists];
        let mut regexes = vec![false; self.regexes.lists];
        if let Some(ac) = &self.keywords {
            let folded = fold(text);
            for m in ac.find_overlapping_iter(folded.text.as_str()) {
                let lists = &self.term_lists[m.pattern().as_usize()];
                if lists.iter().all(|&l| keywords[l])
                    || !folded.is_whole_word(m.start(), m.end())
                    || folded.is_negated(text, m.start())
                {
                    continue;
                }
                lists.iter().for_each(|&l| keywords[l] = true);
            }
        }
        self.regexes.mark_fired(text, &mut regexes);
        Fired { keywords, regexes }
    }
}

fn hit(source: Source, range: std::ops::Range<usize>, negated: bool) -> Hit {
    let (start, end) = (range.start, range.end);
    Hit {
        source,
        start,
        end,
        negated,
    }
}

fn error(list: Source, pattern: &str, reason: &str) -> BuildError {
    let (pattern, reason) = (pattern.to_owned(), reason.to_owned());
    BuildError {
        list,
        pattern,
        reason,
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
