use super::*;

fn lists(l: &[&[&str]]) -> Vec<Vec<String>> {
    l.iter()
        .map(|terms| terms.iter().map(|t| t.to_string()).collect())
        .collect()
}

fn matcher(kw: &[&[&str]], re: &[&[&str]]) -> TextMatcher {
    TextMatcher::build(&lists(kw), &lists(re)).unwrap()
}

/// The (matched original text, negated) of every hit from keyword list `list`.
fn kw_hits<'a>(m: &TextMatcher, text: &'a str, list: usize) -> Vec<(&'a str, bool)> {
    m.scan(text)
        .into_iter()
        .filter(|h| h.source == Source::Keywords(list))
        .map(|h| (&text[h.start..h.end], h.negated))
        .collect()
}

fn fires(m: &TextMatcher, text: &str, list: usize) -> bool {
    m.fired(text).keywords[list]
}

#[test]
fn matcher_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<TextMatcher>();
}

#[test]
fn accents_are_ignored_both_ways() {
    let m = matcher(&[&["deja"], &["Remboursé"]], &[]);
    let text = "Remboursement DÉJÀ demandé";
    assert_eq!(kw_hits(&m, text, 0), vec![("DÉJÀ", false)]);
    assert!(fires(&m, text, 0));
    assert!(fires(&m, "il est rembourse", 1));
    assert!(!fires(&m, "Remboursement", 1));
}

#[test]
fn case_is_ignored() {
    let m = matcher(&[&["Refund"]], &[]);
    for text in ["REFUND please", "refund", "a ReFuNd."] {
        assert!(fires(&m, text, 0), "{text}");
    }
}

#[test]
fn whole_words_only() {
    let m = matcher(&[&["refund"]], &[]);
    for text in ["refunded", "prefund", "refund2", "xrefund", "refundé"] {
        assert!(!fires(&m, text, 0), "{text}");
        assert!(m.scan(text).is_empty(), "{text}");
    }
    for text in [
        "refund",
        "RÉFUND",
        "(refund)",
        "refund!",
        "a-refund-b",
        "\"refund\"",
    ] {
        assert!(fires(&m, text, 0), "{text}");
    }
}

#[test]
fn whole_word_failure_does_not_hide_shorter_match() {
    // "refund requested" fails as a whole word ("requestedx"), "refund" still fires.
    let m = matcher(&[&["refund requested", "refund"]], &[]);
    assert_eq!(kw_hits(&m, "refund requestedx", 0), vec![("refund", false)]);
}

#[test]
fn phrases_match_irregular_spacing() {
    let m = matcher(&[&["money   back"]], &[]);
    let text = "I want my MONEY \t\n  Back now";
    assert_eq!(kw_hits(&m, text, 0), vec![("MONEY \t\n  Back", false)]);
    assert!(fires(&m, "money\u{a0}back", 0));
    assert!(!fires(&m, "moneyback", 0));
}

#[test]
fn negation_examples() {
    let m = matcher(&[&["urgent"], &["cancel"], &["refund"]], &[]);
    assert_eq!(kw_hits(&m, "this is not urgent", 0), vec![("urgent", true)]);
    assert_eq!(
        kw_hits(&m, "not really that urgent", 0),
        vec![("urgent", true)]
    );
    assert_eq!(
        kw_hits(&m, "URGENT: not working", 0),
        vec![("URGENT", false)]
    );
    let text = "I did not cancel. Cancel it now";
    assert_eq!(
        kw_hits(&m, text, 1),
        vec![("cancel", true), ("Cancel", false)]
    );
    assert!(fires(&m, text, 1));
    assert_eq!(kw_hits(&m, "no refund received", 2), vec![("refund", true)]);
    assert!(!fires(&m, "no refund received", 2));
    assert!(!fires(&m, "this is not urgent", 0));
}

#[test]
fn phrase_starting_with_negator_is_not_negated_by_itself() {
    let m = matcher(&[&["no refund"], &["refund"]], &[]);
    let text = "no refund received";
    assert_eq!(kw_hits(&m, text, 0), vec![("no refund", false)]);
    assert!(fires(&m, text, 0));
    assert!(!fires(&m, text, 1));
}

#[test]
fn overlapping_lists_all_found() {
    let m = matcher(
        &[&["not"], &["not working"], &["working"], &["not", "broken"]],
        &[],
    );
    let text = "It is not working";
    let hits = m.scan(text);
    let got: Vec<_> = hits
        .iter()
        .map(|h| (h.source, &text[h.start..h.end], h.negated))
        .collect();
    assert_eq!(
        got,
        vec![
            (Source::Keywords(0), "not", false),
            (Source::Keywords(3), "not", false),
            (Source::Keywords(1), "not working", false),
            (Source::Keywords(2), "working", true),
        ]
    );
    assert_eq!(m.fired(text).keywords, vec![true, true, false, true]);
}

#[test]
fn shared_term_maps_to_every_list() {
    let m = matcher(&[&["refund", "money"], &["Refund"], &["other"]], &[]);
    assert_eq!(m.fired("a refund").keywords, vec![true, true, false]);
}

#[test]
fn spans_map_to_original_non_ascii_text() {
    let m = matcher(&[&["urgent"], &["ca marche pas"]], &[&[r"ürgent"]]);
    let text = "Très ÜRGENT:  ça   marche PAS";
    let hits = m.scan(text);
    let got: Vec<_> = hits
        .iter()
        .map(|h| (h.source, &text[h.start..h.end]))
        .collect();
    assert_eq!(
        got,
        vec![
            (Source::Keywords(0), "ÜRGENT"),
            (Source::Regexes(0), "ÜRGENT"),
            (Source::Keywords(1), "ça   marche PAS"),
        ]
    );
}

#[test]
fn empty_term_and_pattern_are_build_errors() {
    let err = TextMatcher::build(&lists(&[&["a"], &["b", ""]]), &[]).unwrap_err();
    assert_eq!(err.list, Source::Keywords(1));
    assert_eq!(err.to_string(), "keyword \"\": empty term");
    let err = TextMatcher::build(&lists(&[&["  \t"]]), &[]).unwrap_err();
    assert_eq!(err.reason, "empty term");
    let err = TextMatcher::build(&[], &lists(&[&[""]])).unwrap_err();
    assert_eq!(
        (err.list, err.reason.as_str()),
        (Source::Regexes(0), "empty pattern")
    );
}

#[test]
fn empty_rule_set_and_empty_text() {
    let m = matcher(&[], &[]);
    assert!(m.scan("anything").is_empty());
    let fired = m.fired("anything");
    assert!(fired.keywords.is_empty() && fired.regexes.is_empty());
    let m = matcher(&[&["a"]], &[&["b"]]);
    assert!(m.scan("").is_empty());
    assert_eq!(m.fired("").keywords, vec![false]);
}

#[test]
fn fired_agrees_with_scan() {
    let regex_lists: &[&[&str]] = &[
        &[r"order\s*#?\d{4,}"],
        &[r"\bcancel\b"],
        &["ürgent|urgent"],
        &[r"\d+\s*€"],
        &[r"\bd[ée]j[àa]\b", r"\Bfund\b"],
    ];
    let m = matcher(
        &[
            &["urgent", "asap"],
            &["refund", "money back"],
            &["not"],
            &["not working"],
            &["déjà"],
            &["cancel"],
            &["no refund"],
        ],
        regex_lists,
    );
    // Ground truth for the regex lists: each regex on its own.
    let exact: Vec<Vec<regex::Regex>> = regex_lists
        .iter()
        .map(|l| {
            l.iter()
                .map(|p| {
                    regex::RegexBuilder::new(p)
                        .case_insensitive(true)
                        .build()
                        .unwrap()
                })
                .collect()
        })
        .collect();
    // Samples separated by '|'; every pair joined by a space is checked too.
    let samples: Vec<&str> = "|urgent|not urgent|URGENT: not working|I did not cancel. Cancel it now|\
        no refund received|money   back please ASAP|Remboursement DÉJÀ demandé|refunded prefund|\
        order #12345 not working!|Très ÜRGENT: 30 € manquants|nothing urgent\nurgent|\
        it isn’t   urgent, but cancel|never, ever, cancel|cancellation déjà|déjàx prefund|déjà\u{a0}vu, DEJA|a\u{301}sap asap|\
        not really that urgent... or is it? urgent|日本語 urgent 日本語|no\n\nrefund|cancel—not|notnot not"
        .split('|')
        .collect();
    let pairs = samples
        .iter()
        .flat_map(|a| samples.iter().map(move |b| format!("{a} {b}")));
    let texts: Vec<String> = samples.iter().map(|s| s.to_string()).chain(pairs).collect();
    assert_eq!(texts.len(), 23 * 24);
    for text in texts.iter().map(String::as_str) {
        let hits = m.scan(text);
        let fired = m.fired(text);
        for (list, &f) in fired.keywords.iter().enumerate() {
            let expect = hits
                .iter()
                .any(|h| h.source == Source::Keywords(list) && !h.negated);
            assert_eq!(f, expect, "keywords {list} on {text:?}");
        }
        for (list, &f) in fired.regexes.iter().enumerate() {
            let expect = hits.iter().any(|h| h.source == Source::Regexes(list));
            assert_eq!(f, expect, "regexes {list} on {text:?}");
            let truth = exact[list].iter().any(|r| r.is_match(text));
            assert_eq!(f, truth, "regexes {list} vs one by one on {text:?}");
        }
        assert!(
            hits.windows(2).all(|w| w[0].start <= w[1].start),
            "{text:?}"
        );
        for h in &hits {
            assert!(text.get(h.start..h.end).is_some(), "{text:?} {h:?}");
        }
    }
}
