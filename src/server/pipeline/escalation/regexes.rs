//! Keeps all regexes of a rule set in one RegexSet that stays fast on non-ASCII text, for the matcher.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::matcher::{BuildError, Source};

/// Size limit for one compiled regex; a pattern over it fails at build time.
const REGEX_SIZE_LIMIT: usize = 10 << 20;
/// Size limit for the combined set of all regexes.
const SET_SIZE_LIMIT: usize = 64 << 20;

/// One regex and where it came from.
#[derive(Debug)]
struct Entry {
    re: Regex,
    list: usize,
    /// The set holds a relaxed version, so a set match must be confirmed with `re`.
    relaxed: bool,
}

/// All patterns of all regex lists, compiled case-insensitively.
///
/// The set holds each pattern with its word-boundary assertions (`\b`, `\B`) removed. That set
/// matches wherever the real patterns do, and it keeps its fast engine on non-ASCII text, where
/// a Unicode `\b` makes it fall back to an engine costing hundreds of µs per ticket. Its
/// matches are then confirmed one by one with the real regexes; most texts match few.
#[derive(Debug)]
pub(crate) struct RegexLists {
    set: Option<RegexSet>,
    entries: Vec<Entry>,
    /// How many lists were given.
    pub(crate) lists: usize,
}

impl RegexLists {
    /// Compiles every pattern, naming the first bad or empty one in the error.
    pub(crate) fn build(regex_lists: &[Vec<String>]) -> Result<Self, BuildError> {
        let mut entries = Vec::new();
        for (list, patterns) in regex_lists.iter().enumerate() {
            for pattern in patterns {
                let error = |reason: String| BuildError {
                    list: Source::Regexes(list),
                    pattern: pattern.clone(),
                    reason,
                };
                if pattern.is_empty() {
                    return Err(error("empty pattern".to_owned()));
                }
                let re = RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| error(reason(&e)))?;
                let relaxed = false;
                entries.push(Entry { re, list, relaxed });
            }
        }
        let relaxed: Vec<Option<String>> = entries.iter().map(|e| relax(e.re.as_str())).collect();
        let loose = entries.iter().zip(&relaxed);
        let set = match build_set(loose.map(|(e, r)| r.as_deref().unwrap_or(e.re.as_str()))) {
            Ok(set) => {
                let flags = entries.iter_mut().zip(&relaxed);
                flags.for_each(|(e, r)| e.relaxed = r.is_some());
                set
            }
            // Should relaxing ever fail to compile, the set holds the exact patterns instead.
            Err(_) => build_set(entries.iter().map(|e| e.re.as_str())).map_err(|e| {
                let last = entries.last().map(|l| (l.list, l.re.as_str().to_owned()));
                let (list, pattern) = last.unwrap_or_default();
                let reason = format!("all regexes together: {}", reason(&e));
                let list = Source::Regexes(list);
                BuildError {
                    list,
                    pattern,
                    reason,
                }
            })?,
        };
        let set = (!entries.is_empty()).then_some(set);
        Ok(RegexLists {
            set,
            entries,
            lists: regex_lists.len(),
        })
    }

    /// Calls `f(regex, list)` for every regex that matches `text`.
    fn each_match(&self, text: &str, mut f: impl FnMut(&Regex, usize)) {
        if let Some(set) = &self.set {
            for i in set.matches(text).iter() {
                let e = &self.entries[i];
                if !e.relaxed || e.re.is_match(text) {
                    f(&e.re, e.list);
                }
            }
        }
    }

    /// Sets `fired[list]` for every list with a regex matching `text`.
    pub(crate) fn mark_fired(&self, text: &str, fired: &mut [bool]) {
        self.each_match(text, |_, list| fired[list] = true);
    }

    /// Every match of every regex, as `(list, start..end)`.
    pub(crate) fn spans(&self, text: &str, mut f: impl FnMut(usize, std::ops::Range<usize>)) {
        self.each_match(text, |re, list| {
            re.find_iter(text).for_each(|m| f(list, m.range()))
        });
    }
}

fn build_set<'a>(patterns: impl Iterator<Item = &'a str>) -> Result<RegexSet, regex::Error> {
    RegexSetBuilder::new(patterns)
        .case_insensitive(true)
        .size_limit(SET_SIZE_LIMIT)
        .build()
}

/// The short reason of a regex error: the last line of a syntax error, without "error: ".
fn reason(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => {
            let last = s.lines().last().unwrap_or_default().trim();
            last.strip_prefix("error: ").unwrap_or(last).to_owned()
        }
        other => other.to_string(),
    }
}

/// `pattern` with each `\b`, `\B` and `\b{...}` replaced by the empty group `(?:)`, or `None`
/// if it has none. Assertions only restrict where a pattern matches, so the result matches
/// wherever `pattern` does. (A valid pattern has no such escape inside a character class.)
fn relax(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut changed = false;
    while let Some(c) = chars.next() {
        let next = if c == '\\' { chars.next() } else { None };
        match next {
            Some(b @ ('b' | 'B')) => {
                if b == 'b' && chars.peek() == Some(&'{') {
                    chars.by_ref().find(|&c| c == '}');
                }
                out.push_str("(?:)");
                changed = true;
            }
            Some(n) => out.extend([c, n]),
            None => out.push(c),
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
#[path = "regexes_tests.rs"]
mod tests;
