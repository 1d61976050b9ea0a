use super::*;

#[test]
fn ascii_fast_path_lowercases_with_identity_map() {
    let f = fold("Hello WORLD, Refund!");
    assert_eq!(f.text, "hello world, refund!");
    assert_eq!(f.map, None);
    assert_eq!(f.original_range(13, 19), 13..19);
}

#[test]
fn single_ascii_whitespace_becomes_space_keeping_identity() {
    let f = fold("a\tb\nc");
    assert_eq!(f.text, "a b c");
    assert_eq!(f.map, None);
}

#[test]
fn accents_and_case_are_folded() {
    assert_eq!(fold("Ürgent CAFÉ").text, "urgent cafe");
    assert_eq!(
        fold("Remboursement DÉJÀ demandé").text,
        "remboursement deja demande"
    );
    assert_eq!(fold("Ñandú ÇA").text, "nandu ca");
}

#[test]
fn decomposed_input_is_folded_too() {
    let text = "cafe\u{301} ok";
    let f = fold(text);
    assert_eq!(f.text, "cafe ok");
    // The range of "cafe" covers the combining accent in the original.
    assert_eq!(&text[f.original_range(0, 4)], "cafe\u{301}");
}

#[test]
fn whitespace_runs_collapse_and_map_back() {
    let text = "money  \t\n back";
    let f = fold(text);
    assert_eq!(f.text, "money back");
    assert_eq!(&text[f.original_range(0, 10)], text);
    assert_eq!(&text[f.original_range(6, 10)], "back");
    assert_eq!(&text[f.original_range(5, 6)], "  \t\n ");
}

#[test]
fn non_breaking_space_is_whitespace() {
    assert_eq!(fold("money\u{a0}back").text, "money back");
}

#[test]
fn typographic_apostrophe_folds_to_ascii() {
    assert_eq!(fold("Don’t").text, "don't");
}

#[test]
fn spans_map_to_original_non_ascii_text() {
    let text = "Très ÜRGENT: ça marche pas";
    let f = fold(text);
    let start = f.text.find("urgent").unwrap();
    let r = f.original_range(start, start + "urgent".len());
    assert_eq!(&text[r], "ÜRGENT");
    let start = f.text.find("ca").unwrap();
    assert_eq!(&text[f.original_range(start, start + 2)], "ça");
}

#[test]
fn end_inside_expansion_extends_to_whole_char() {
    // Hangul syllables decompose into several jamo; a range ending inside stays on a boundary.
    let text = "x 한국";
    let f = fold(text);
    assert!(f.text.len() > text.len());
    for end in 0..=f.text.len() {
        for start in 0..=end {
            let r = f.original_range(start, end);
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            assert!(r.start <= r.end);
        }
    }
    assert_eq!(&text[f.original_range(2, 3)], "한");
}

#[test]
fn ranges_are_clamped() {
    let text = "Élan";
    let f = fold(text);
    assert_eq!(f.original_range(0, 99), 0..text.len());
    assert_eq!(f.original_range(7, 3), 4..4);
    assert_eq!(f.original_range(9, 9), text.len()..text.len());
}

#[test]
fn every_range_is_on_char_boundaries() {
    for text in [
        "ÀÉÎÕÜ ß ø œ İstanbul",
        "日本語 テキスト",
        "a\u{301}\u{302}b",
        "\u{301}x",
        "",
    ] {
        let f = fold(text);
        assert_eq!(f.original_range(0, f.text.len()).end, text.len());
        for end in 0..=f.text.len() {
            let r = f.original_range(0, end);
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
    }
}

#[test]
fn dotted_capital_i_loses_its_dot() {
    assert_eq!(fold("İstanbul").text, "istanbul");
}

#[test]
fn fold_term_collapses_and_trims() {
    assert_eq!(fold_term("  Money \t  BACK "), "money back");
    assert_eq!(fold_term("DÉJÀ"), "deja");
    assert_eq!(fold_term("   "), "");
}

/// Whether the last "urgent" in `text` is negated.
fn urgent_negated(text: &str) -> bool {
    let f = fold(text);
    let at = f.text.rfind("urgent").unwrap();
    f.is_negated(text, at)
}

#[test]
fn negation_window_is_three_words() {
    assert!(urgent_negated("not one two urgent"));
    assert!(!urgent_negated("not one two three urgent"));
    assert!(urgent_negated("this is not urgent"));
    assert!(!urgent_negated("urgent"));
}

#[test]
fn clause_punctuation_and_line_breaks_stop_negation() {
    for text in [
        "no, urgent",
        "never; urgent",
        "why not? urgent",
        "not\nurgent",
        "not \r\n urgent",
        "not:urgent",
    ] {
        assert!(!urgent_negated(text), "{text:?}");
    }
    // Other separators do not.
    assert!(urgent_negated("not - \"urgent"));
}

#[test]
fn negator_forms() {
    for text in [
        "it isn't urgent",
        "It ISN’T urgent",
        "don't think it's urgent",
        "NÓ urgent",
        "cannot be urgent",
        "'not' urgent",
    ] {
        assert!(urgent_negated(text), "{text:?}");
    }
    // A word merely containing a negator does not negate.
    for text in [
        "nothingness urgent",
        "notice urgent",
        "notably urgent",
        "knot urgent",
    ] {
        assert!(!urgent_negated(text), "{text:?}");
    }
}

#[test]
fn whole_word_boundaries() {
    let f = fold("prefund refund refunded é1 (x)");
    assert!(!f.is_whole_word(3, 7));
    assert!(f.is_whole_word(8, 14));
    assert!(!f.is_whole_word(15, 21));
    assert!(f.is_whole_word(0, f.text.len()));
    assert!(f.is_whole_word(f.text.len() - 2, f.text.len() - 1));
}
