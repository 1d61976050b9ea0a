//! Measures the TF-IDF-only model on TweetEval sentiment when the shared dataset is present.

use super::*;
use crate::domain::metrics::Metrics;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets/tweeteval-sentiment")
}

/// Reads `{split}_text.txt` and `{split}_labels.txt` (labels 0, 1, 2) into examples.
fn load(dir: &Path, split: &str) -> anyhow::Result<Vec<TrainExample>> {
    let texts = std::fs::read_to_string(dir.join(format!("{split}_text.txt")))?;
    let labels = std::fs::read_to_string(dir.join(format!("{split}_labels.txt")))?;
    let (texts, labels): (Vec<&str>, Vec<&str>) =
        (texts.lines().collect(), labels.lines().collect());
    anyhow::ensure!(
        texts.len() == labels.len(),
        "{split}: {} texts, {} labels",
        texts.len(),
        labels.len()
    );
    texts
        .into_iter()
        .zip(labels)
        .map(|(text, label)| {
            let label = SentimentLabel::parse(label)
                .ok_or_else(|| anyhow::anyhow!("bad label {label:?}"))?;
            Ok(TrainExample {
                text: text.to_string(),
                embedding: None,
                label,
            })
        })
        .collect()
}

#[test]
fn tfidf_model_on_tweeteval() {
    let dir = folder();
    if !dir.join("val_text.txt").exists() || !dir.join("test_text.txt").exists() {
        println!(
            "SKIPPED: TweetEval sentiment not found at {}",
            dir.display()
        );
        return;
    }
    let train = load(&dir, "val").expect("val split");
    let test = load(&dir, "test").expect("test split");
    let options = TrainOptions {
        features: Features::Tfidf,
        ..Default::default()
    };
    let started = Instant::now();
    let model = LocalModel::train(&train, &options).expect("train");
    let trained = started.elapsed();
    let inputs: Vec<(&str, Option<&[f32]>)> =
        test.iter().map(|e| (e.text.as_str(), None)).collect();
    let predicted = model.predict_batch(&inputs).expect("predict");
    let classes: Vec<&str> = SentimentLabel::ALL.iter().map(|l| l.as_str()).collect();
    let gold: Vec<usize> = test.iter().map(|e| class_index(e.label)).collect();
    let guessed: Vec<usize> = predicted.iter().map(|p| class_index(p.label)).collect();
    let m = Metrics::compute(&classes, &gold, &guessed);
    println!(
        "TweetEval sentiment, TF-IDF only, trained on val ({} tweets, {} features, {} iterations, \
         converged: {}) in {:.1?}; test ({} tweets): macro-F1 {:.4}, accuracy {:.4}, weighted F1 {:.4}, \
         total {:.1?}",
        train.len(),
        model.summary.features,
        model.summary.iterations,
        model.summary.converged,
        trained,
        test.len(),
        m.macro_f1,
        m.accuracy,
        m.weighted_f1,
        started.elapsed()
    );
    for c in &m.classes {
        println!(
            "  {:<8} P {:.3} R {:.3} F1 {:.3} n {}",
            c.label, c.precision, c.recall, c.f1, c.support
        );
    }
    assert!(
        m.macro_f1 >= 0.45,
        "macro-F1 {:.4} below the 0.45 floor",
        m.macro_f1
    );
}
