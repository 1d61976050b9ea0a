use super::super::matcher::TextMatcher;
use super::*;

fn lists(l: &[&[&str]]) -> Vec<Vec<String>> {
    l.iter()
        .map(|ps| ps.iter().map(|p| p.to_string()).collect())
        .collect()
}

fn matcher(re: &[&[&str]]) -> TextMatcher {
    TextMatcher::build(&[], &lists(re)).unwrap()
}

#[test]
fn relax_removes_word_boundaries_only() {
    assert_eq!(relax(r"\bfoo\B").as_deref(), Some("(?:)foo(?:)"));
    assert_eq!(relax(r"\b{start}x\b{end}").as_deref(), Some("(?:)x(?:)"));
    assert_eq!(relax(r"\\b\d+\bc").as_deref(), Some(r"\\b\d+(?:)c"));
    assert_eq!(relax(r"a\\bc[\d]+"), None);
    assert_eq!(relax(r"\b+x").as_deref(), Some("(?:)+x"));
}

#[test]
fn relaxed_patterns_compile_and_match_a_superset() {
    for p in [r"\bcafé\b", r"\b+x", r"(?-u:\b)order\b{end}", r"\Bfund\b"] {
        let relaxed = relax(p).unwrap();
        let (exact, loose) = (Regex::new(p).unwrap(), Regex::new(&relaxed).unwrap());
        for t in [
            "un café.",
            "cafés",
            "x",
            "order",
            "reorder",
            "refund",
            "fund",
        ] {
            assert!(!exact.is_match(t) || loose.is_match(t), "{p} on {t}");
        }
    }
}

#[test]
fn bad_regex_is_build_error_naming_pattern() {
    let err = TextMatcher::build(&[], &lists(&[&["ok"], &["fine", "(unclosed"]])).unwrap_err();
    assert_eq!(err.list, Source::Regexes(1));
    assert_eq!(err.pattern, "(unclosed");
    assert_eq!(err.to_string(), "regex \"(unclosed\": unclosed group");
}

#[test]
fn huge_regex_is_build_error() {
    let err = TextMatcher::build(&[], &lists(&[&[r"\w{500}\w{500}\w{500}"]])).unwrap_err();
    assert_eq!(err.list, Source::Regexes(0));
    assert!(err.reason.contains("size limit"), "{}", err.reason);
}

#[test]
fn regexes_are_case_insensitive_on_original_text() {
    let m = matcher(&[&[r"order\s*#\d{5,}"], &[r"(?-i)ABC"]]);
    let text = "ORDER #123456 and abc";
    let hits = m.scan(text);
    assert_eq!(hits.len(), 1);
    assert_eq!(&text[hits[0].start..hits[0].end], "ORDER #123456");
    assert!(!hits[0].negated);
    assert_eq!(m.fired(text).regexes, vec![true, false]);
}

#[test]
fn multiple_regex_lists_and_negation_free_regex_hits() {
    let m = matcher(&[&["refund", r"money\s+back"], &[r"\bcancel"], &["zzz"]]);
    let text = "not refund, no money  back, never cancel cancel";
    let hits = m.scan(text);
    let got: Vec<_> = hits
        .iter()
        .map(|h| (h.source, &text[h.start..h.end]))
        .collect();
    assert_eq!(
        got,
        vec![
            (Source::Regexes(0), "refund"),
            (Source::Regexes(0), "money  back"),
            (Source::Regexes(1), "cancel"),
            (Source::Regexes(1), "cancel"),
        ]
    );
    assert!(hits.iter().all(|h| !h.negated));
    assert_eq!(m.fired(text).regexes, vec![true, true, false]);
}

#[test]
fn regex_word_boundaries_on_non_ascii_text() {
    let m = matcher(&[&[r"\bcafé\b"], &[r"\bcancel\b"], &[r"\border\s+\d+\b"]]);
    assert_eq!(
        m.fired("Un CAFÉ. order 123 — déjà").regexes,
        vec![true, false, true]
    );
    // The set's loose match on "cancellation"/"cafés"/"order 123x" is rejected by the real regex.
    let text = "cancellation des cafés, order 123x déjà";
    assert_eq!(m.fired(text).regexes, vec![false, false, false]);
    assert!(m.scan(text).is_empty());
    let text = "déjà: cancel!";
    let hits = m.scan(text);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].source, &text[hits[0].start..hits[0].end]),
        (Source::Regexes(1), "cancel")
    );
}
