//! Tests of the TF-IDF vectoriser: vocabulary rules, weighting and normalisation.

use super::*;

fn words_only(min_df: usize, max_features: usize) -> TfIdfOptions {
    TfIdfOptions {
        word_ngrams: (1, 2),
        char_ngrams: (1, 0), // an empty range: no character n-grams
        min_df,
        max_features,
        sublinear_tf: true,
    }
}

const DOCS: [&str; 4] = [
    "Good service, good price",
    "bad service",
    "GOOD support",
    "the refund was bad",
];

fn weight(t: &TfIdf, row: &[(u32, f32)], term: &str) -> f32 {
    row.iter()
        .find(|(i, _)| t.term(*i) == Some(term))
        .map_or(0.0, |(_, w)| *w)
}

#[test]
fn builds_lowercased_word_unigrams_and_bigrams() {
    let t = TfIdf::fit(&DOCS, &words_only(1, 1000));
    let terms: Vec<&str> = (0..t.len() as u32).filter_map(|i| t.term(i)).collect();
    for expected in [
        "w:good",
        "w:service",
        "w:good service",
        "w:the refund",
        "w:bad",
    ] {
        assert!(
            terms.contains(&expected),
            "{expected} missing from {terms:?}"
        );
    }
    assert!(!terms.contains(&"w:GOOD"));
    assert!(!terms.iter().any(|t| t.contains(',')));
    // "good" is in 2 documents, as are "service" and "bad": they lead, ties by term.
    assert_eq!(&terms[..3], ["w:bad", "w:good", "w:service"]);
}

#[test]
fn min_df_and_max_features_bound_the_vocabulary() {
    let t = TfIdf::fit(&DOCS, &words_only(2, 1000));
    assert_eq!(t.len(), 3); // bad, good, service
    let t = TfIdf::fit(&DOCS, &words_only(1, 2));
    assert_eq!(
        (t.term(0), t.term(1), t.term(2)),
        (Some("w:bad"), Some("w:good"), None)
    );
    assert!(TfIdf::fit(&[], &words_only(1, 10)).is_empty());
}

#[test]
fn character_ngrams_stay_inside_words() {
    let o = TfIdfOptions {
        word_ngrams: (1, 0),
        char_ngrams: (2, 3),
        min_df: 1,
        ..Default::default()
    };
    let t = TfIdf::fit(&["ab cd"], &o);
    let terms: Vec<&str> = (0..t.len() as u32).filter_map(|i| t.term(i)).collect();
    for expected in ["c: a", "c:ab", "c:b ", "c: ab", "c:ab ", "c:cd "] {
        assert!(
            terms.contains(&expected),
            "{expected} missing from {terms:?}"
        );
    }
    assert!(!terms.iter().any(|t| t.contains("b c")));
    assert_eq!(terms.len(), 3 * 2 + 2 * 2); // per word: 3 bigrams and 2 trigrams of " ab "
}

#[test]
fn rows_are_unit_length_and_weight_rare_terms_higher() {
    let t = TfIdf::fit(&DOCS, &words_only(1, 1000));
    let row = t.transform("good refund");
    let norm: f32 = row.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-6);
    assert!(row.windows(2).all(|w| w[0].0 < w[1].0));
    // idf(good) = ln(5/3) + 1 ≈ 1.51, idf(refund) = ln(5/2) + 1 ≈ 1.92.
    let (good, refund) = (weight(&t, &row, "w:good"), weight(&t, &row, "w:refund"));
    assert!(
        (refund / good - 1.916 / 1.511).abs() < 1e-2,
        "{good} {refund}"
    );
    assert!(t.transform("nothing known here").is_empty());
}

#[test]
fn repeated_terms_count_sublinearly() {
    let t = TfIdf::fit(&DOCS, &words_only(1, 1000));
    let row = t.transform("good good good bad");
    // Same idf (both in 2 documents), tf 1 + ln 3 against 1.
    let ratio = weight(&t, &row, "w:good") / weight(&t, &row, "w:bad");
    assert!((ratio - (1.0 + 3f32.ln())).abs() < 1e-5, "{ratio}");
    let raw = TfIdf::fit(
        &DOCS,
        &TfIdfOptions {
            sublinear_tf: false,
            ..words_only(1, 1000)
        },
    );
    let row = raw.transform("good good good bad");
    let ratio = weight(&raw, &row, "w:good") / weight(&raw, &row, "w:bad");
    assert!((ratio - 3.0).abs() < 1e-5);
}

#[test]
fn fitting_is_deterministic_and_survives_json() {
    let a = TfIdf::fit(&DOCS, &TfIdfOptions::default());
    let b = TfIdf::fit(&DOCS, &TfIdfOptions::default());
    assert_eq!(a, b);
    let json = serde_json::to_string(&a).expect("serialise");
    assert!(!json.contains("index"));
    let back: TfIdf = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, a);
    assert_eq!(
        back.transform("good service!"),
        a.transform("good service!")
    );
}
