//! Metrics checked against confusion matrices and F1 values worked out by hand.

use super::*;

const CLASSES: [&str; 3] = ["negative", "neutral", "positive"];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn matches_a_hand_computed_example() {
    let gold = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    let predicted = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];
    let m = Metrics::compute(&CLASSES, &gold, &predicted);
    // Rows are gold: negative → [2 neg, 1 neu, 1 pos], neutral → [1, 2, 0], positive → [0, 1, 2].
    assert_eq!(
        m.confusion,
        vec![vec![2, 1, 1], vec![1, 2, 0], vec![0, 1, 2]]
    );
    assert_eq!(m.total, 10);
    assert!(close(m.accuracy, 0.6)); // 6 on the diagonal out of 10
                                     // negative: P = 2/3 (column 2+1+0), R = 2/4, F1 = 2·(2/3)(1/2)/(7/6) = 4/7
                                     // neutral:  P = 2/4 (column 1+2+1), R = 2/3, F1 = 4/7
                                     // positive: P = 2/3, R = 2/3, F1 = 2/3
    let f1: Vec<f64> = m.classes.iter().map(|c| c.f1).collect();
    assert!(close(f1[0], 4.0 / 7.0) && close(f1[1], 4.0 / 7.0) && close(f1[2], 2.0 / 3.0));
    assert!(close(m.classes[0].precision, 2.0 / 3.0) && close(m.classes[0].recall, 0.5));
    assert!(close(m.classes[1].precision, 0.5) && close(m.classes[1].recall, 2.0 / 3.0));
    assert_eq!(
        m.classes.iter().map(|c| c.support).collect::<Vec<_>>(),
        [4, 3, 3]
    );
    // macro = (4/7 + 4/7 + 2/3) / 3 = 38/63; weighted = (4·4/7 + 3·4/7 + 3·2/3) / 10 = 0.6
    assert!(close(m.macro_f1, 38.0 / 63.0));
    assert!(close(m.weighted_f1, 0.6));
    assert_eq!(m.labels(), CLASSES);
}

#[test]
fn zero_divisions_are_zero_not_nan() {
    // Only "negative" occurs: neutral and positive have no support and no predictions.
    let m = Metrics::compute(&CLASSES, &[0, 0], &[0, 0]);
    assert!(close(m.classes[0].f1, 1.0));
    assert_eq!(
        (m.classes[1].precision, m.classes[1].recall, m.classes[1].f1),
        (0.0, 0.0, 0.0)
    );
    assert!(close(m.macro_f1, 1.0 / 3.0)); // (1 + 0 + 0) / 3
    assert!(close(m.weighted_f1, 1.0)); // only negative has support
                                        // positive predicted once but never gold: P = 0/1, R = 0/0 → 0; negative never predicted.
    let m = Metrics::compute(&CLASSES, &[0, 1], &[2, 1]);
    assert_eq!((m.classes[2].precision, m.classes[2].f1), (0.0, 0.0));
    assert_eq!((m.classes[0].precision, m.classes[0].recall), (0.0, 0.0));
    assert!(close(m.accuracy, 0.5));
    let empty = Metrics::compute(&CLASSES, &[], &[]);
    assert_eq!(
        (empty.accuracy, empty.macro_f1, empty.weighted_f1),
        (0.0, 0.0, 0.0)
    );
    assert!(empty.normalised().iter().flatten().all(|v| *v == 0.0));
}

#[test]
fn ignores_out_of_range_pairs() {
    let m = Metrics::compute(&CLASSES, &[0, 7, 1, 2], &[0, 1, 9, 2]);
    assert_eq!(m.total, 2);
    assert!(close(m.accuracy, 1.0));
}

#[test]
fn normalises_rows_and_survives_json() {
    let m = Metrics::compute(&CLASSES, &[0, 0, 0, 0, 2], &[0, 0, 0, 1, 2]);
    let rows = m.normalised();
    assert_eq!(rows[0], vec![0.75, 0.25, 0.0]);
    assert_eq!(rows[1], vec![0.0, 0.0, 0.0]); // no neutral gold items
    assert_eq!(rows[2], vec![0.0, 0.0, 1.0]);
    let json = serde_json::to_value(&m).expect("serialise");
    assert_eq!(json["confusion"][0][0], 3);
    let back: Metrics = serde_json::from_value(json).expect("deserialise");
    assert_eq!(back, m);
}

#[test]
fn compares_class_by_class() {
    let a = Metrics::compute(&CLASSES, &[0, 1, 2, 2], &[0, 0, 2, 1]);
    let b = Metrics::compute(&CLASSES, &[0, 1, 2, 2], &[0, 1, 2, 2]);
    let d = compare(&a, &b);
    assert_eq!(d.len(), 3);
    // a: negative P = 1/2, R = 1, F1 = 2/3; b is perfect, so deltas are 1/2, 0 and 1/3.
    assert!(close(d[0].precision, 0.5) && close(d[0].recall, 0.0));
    assert!(close(d[0].f1, 1.0 / 3.0));
    // a: neutral predicted once, wrongly (P 0, R 0) → deltas of 1.
    assert!(close(d[1].f1, 1.0) && close(d[1].precision, 1.0));
    // a: positive P = 1, R = 1/2, F1 = 2/3.
    assert!(close(d[2].recall, 0.5) && close(d[2].precision, 0.0));
    let other = Metrics::compute(&["negative", "spam"], &[1], &[1]);
    let d = compare(&a, &other);
    assert_eq!(
        d.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ["negative", "neutral", "positive", "spam"]
    );
    assert!(close(d[3].f1, 1.0));
    assert!(close(d[1].f1, 0.0)); // neutral: 0 in both
}
