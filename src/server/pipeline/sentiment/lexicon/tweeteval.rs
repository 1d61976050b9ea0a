//! Accuracy on the TweetEval sentiment split (when the shared dataset folder is present).

use super::{sentiment, SentimentLabel};
use std::path::PathBuf;

const CLASSES: [SentimentLabel; 3] = [
    SentimentLabel::Negative,
    SentimentLabel::Neutral,
    SentimentLabel::Positive,
];

fn dataset_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/tweeteval-sentiment")
}

/// Confusion matrix (gold row, predicted column) of `sentiment()` over one split, or `None`
/// when the dataset is not there.
fn confusion(split: &str) -> Option<[[usize; 3]; 3]> {
    let dir = dataset_dir();
    if !dir.is_dir() {
        println!("SKIPPED: ../shared/datasets/tweeteval-sentiment not found");
        return None;
    }
    let read = |name: String| {
        std::fs::read_to_string(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let texts = read(format!("{split}_text.txt"));
    let labels = read(format!("{split}_labels.txt"));
    assert_eq!(
        texts.lines().count(),
        labels.lines().count(),
        "{split}: texts vs labels"
    );
    let mut matrix = [[0usize; 3]; 3];
    for (text, label) in texts.lines().zip(labels.lines()) {
        let gold: usize = label
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("label {label:?}"));
        assert!(gold < 3, "label {gold} out of range");
        let predicted = sentiment(text).label;
        let column = CLASSES.iter().position(|c| *c == predicted).unwrap_or(1);
        matrix[gold][column] += 1;
    }
    Some(matrix)
}

/// Unweighted mean over the three classes of each class's F1.
fn macro_f1(m: &[[usize; 3]; 3]) -> f64 {
    let f1 = |c: usize| {
        let tp = m[c][c] as f64;
        let predicted: usize = (0..3).map(|g| m[g][c]).sum();
        let gold: usize = m[c].iter().sum();
        if tp == 0.0 {
            return 0.0;
        }
        let (p, r) = (tp / predicted as f64, tp / gold as f64);
        2.0 * p * r / (p + r)
    };
    (0..3).map(f1).sum::<f64>() / 3.0
}

fn report(split: &str) -> Option<f64> {
    let matrix = confusion(split)?;
    let f1 = macro_f1(&matrix);
    let total: usize = matrix.iter().flatten().sum();
    println!("tweeteval {split}: {total} tweets, macro-F1 {f1:.4}");
    println!("confusion (rows gold neg/neu/pos, columns predicted): {matrix:?}");
    Some(f1)
}

#[test]
fn macro_f1_on_a_known_matrix() {
    let perfect = [[2, 0, 0], [0, 3, 0], [0, 0, 1]];
    assert!((macro_f1(&perfect) - 1.0).abs() < 1e-9);
    // Class 0: p=1/2 r=1/2; class 1: p=1/2 r=1/2; class 2 never right.
    let mixed = [[1, 1, 0], [1, 1, 0], [0, 0, 0]];
    assert!((macro_f1(&mixed) - 1.0 / 3.0).abs() < 1e-9);
}

#[test]
fn tweeteval_test_split_macro_f1() {
    if let Some(f1) = report("test") {
        assert!(f1 >= 0.50, "macro-F1 {f1:.4} is below 0.50");
    }
}

/// The split the word list was tuned on: `cargo test ... -- --ignored --nocapture`.
#[test]
#[ignore]
fn tweeteval_val_split_macro_f1() {
    report("val");
}
