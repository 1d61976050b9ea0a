//! Behaviour tests of the local model on small synthetic data.

use super::*;
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CUES: [&[&str]; 3] = [
    &["terrible", "hate", "broken", "awful", "useless", "angry"],
    &[
        "order", "tuesday", "account", "address", "invoice", "parcel",
    ],
    &["great", "love", "excellent", "thanks", "perfect", "happy"],
];
const FILLER: [&str; 6] = ["the", "my", "with", "it", "was", "today"];

/// Texts of two class cue words among filler, and 6-dimensional embeddings near a class centre.
fn toy(n: usize, seed: u64) -> Vec<TrainExample> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let label = SentimentLabel::ALL[i % 3];
            let mut words: Vec<&str> = (0..2)
                .filter_map(|_| CUES[i % 3].choose(&mut rng).copied())
                .collect();
            words.extend((0..4).filter_map(|_| FILLER.choose(&mut rng).copied()));
            words.shuffle(&mut rng);
            let mut embedding: Vec<f32> = (0..6).map(|_| rng.gen_range(-0.3..0.3)).collect();
            embedding[i % 3] += 1.0;
            TrainExample {
                text: words.join(" "),
                embedding: Some(embedding),
                label,
            }
        })
        .collect()
}

fn options(features: Features) -> TrainOptions {
    TrainOptions {
        features,
        tfidf: TfIdfOptions {
            min_df: 1,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn accuracy(model: &LocalModel, test: &[TrainExample]) -> f64 {
    let right = test
        .iter()
        .filter(|e| {
            model
                .predict(&e.text, e.embedding.as_deref())
                .map(|p| p.label)
                .ok()
                == Some(e.label)
        })
        .count();
    right as f64 / test.len() as f64
}

#[test]
fn learns_a_separable_toy_problem_from_text() {
    let model = LocalModel::train(&toy(90, 1), &options(Features::Tfidf)).expect("train");
    assert!(accuracy(&model, &toy(60, 2)) >= 0.95);
    let p = model
        .predict("Thanks, I love it, great job", None)
        .expect("predict");
    assert_eq!(p.label, SentimentLabel::Positive);
    assert!(p.score > 0.3, "{p:?}");
    let p = model
        .predict("this is useless and broken", None)
        .expect("predict");
    assert_eq!(p.label, SentimentLabel::Negative);
    assert!(p.score < -0.3, "{p:?}");
    assert!(model.summary.converged && model.summary.examples == 90);
}

#[test]
fn learns_from_embeddings_alone_and_from_both_blocks() {
    let train = toy(90, 3);
    let test = toy(60, 4);
    let model = LocalModel::train(&train, &options(Features::Embedding)).expect("train");
    assert!(model.encoder().tfidf.is_none() && model.encoder().embedding_dim == 6);
    assert!(accuracy(&model, &test) >= 0.95);
    // With the texts shuffled across examples, only the embedding block still carries the label.
    let mut texts: Vec<String> = train.iter().map(|e| e.text.clone()).collect();
    texts.shuffle(&mut ChaCha8Rng::seed_from_u64(11));
    let scrambled: Vec<TrainExample> = train
        .iter()
        .zip(texts)
        .map(|(e, text)| TrainExample { text, ..e.clone() })
        .collect();
    let both = LocalModel::train(&scrambled, &options(Features::Both)).expect("train");
    assert!(both.encoder().tfidf.is_some());
    assert!(accuracy(&both, &test) >= 0.9);
}

#[test]
fn probabilities_and_score_agree() {
    let model = LocalModel::train(&toy(60, 5), &options(Features::Both)).expect("train");
    for e in toy(9, 6) {
        let p = model
            .predict(&e.text, e.embedding.as_deref())
            .expect("predict");
        let sum: f32 = p.probabilities.iter().sum();
        assert!((sum - 1.0).abs() < 1e-5);
        assert!((p.score - (p.probabilities[2] - p.probabilities[0])).abs() < 1e-6);
        let best = p.probabilities.iter().cloned().fold(0.0, f32::max);
        assert_eq!(p.probabilities[class_index(p.label)], best);
        assert_eq!(p.sentiment().label, p.label);
    }
}

#[test]
fn training_is_deterministic_and_json_round_trips() {
    let data = toy(60, 7);
    let a = LocalModel::train(&data, &options(Features::Both)).expect("train");
    let b = LocalModel::train(&data, &options(Features::Both)).expect("train");
    assert_eq!(a, b);
    let json = serde_json::to_string(&a).expect("serialise");
    assert_eq!(json, serde_json::to_string(&b).expect("serialise"));
    let back: LocalModel = serde_json::from_str(&json).expect("deserialise");
    let inputs: Vec<(&str, Option<&[f32]>)> = data
        .iter()
        .map(|e| (e.text.as_str(), e.embedding.as_deref()))
        .collect();
    let before = a.predict_batch(&inputs).expect("predict");
    let after = back.predict_batch(&inputs).expect("predict");
    for (x, y) in before.iter().zip(&after) {
        assert_eq!(x.label, y.label);
        assert!(x
            .probabilities
            .iter()
            .zip(&y.probabilities)
            .all(|(p, q)| (p - q).abs() < 1e-6));
    }
}

#[test]
fn says_clearly_what_is_missing() {
    let mut data = toy(30, 8);
    let model = LocalModel::train(&data, &options(Features::Both)).expect("train");
    let err = model
        .predict("great", None)
        .expect_err("needs an embedding")
        .to_string();
    assert!(err.contains("embedding"), "{err}");
    let err = model
        .predict("great", Some(&[1.0, 2.0]))
        .expect_err("wrong length")
        .to_string();
    assert!(err.contains("2 dimensions") && err.contains('6'), "{err}");
    let inputs = [("great", Some(&[0.0f32; 6][..])), ("bad", None)];
    let err = format!(
        "{:#}",
        model.predict_batch(&inputs).expect_err("second lacks one")
    );
    assert!(err.contains("input 1"), "{err}");
    // A TF-IDF-only model needs no embedding.
    let text_only = LocalModel::train(&data, &options(Features::Tfidf)).expect("train");
    assert!(text_only.predict("great", None).is_ok());
    data[4].embedding = None;
    let err = LocalModel::train(&data, &options(Features::Embedding))
        .expect_err("missing")
        .to_string();
    assert!(err.contains("example 4 has no embedding"), "{err}");
    let one_label: Vec<TrainExample> = data
        .into_iter()
        .filter(|e| e.label == SentimentLabel::Neutral)
        .collect();
    assert!(LocalModel::train(&one_label, &options(Features::Tfidf)).is_err());
    assert!(LocalModel::train(&[], &options(Features::Tfidf)).is_err());
}

#[test]
fn learning_curve_uses_the_requested_sizes() {
    let train = toy(150, 9);
    let test = toy(60, 10);
    let curve = learning_curve(
        &train,
        &test,
        &[12, 0, 60, 12, 5000],
        &options(Features::Tfidf),
    )
    .expect("curve");
    let sizes: Vec<usize> = curve.iter().map(|c| c.0).collect();
    assert_eq!(sizes, [12, 60, 150]);
    assert!(curve.iter().all(|c| (0.0..=1.0).contains(&c.1)));
    assert!(curve[2].1 >= 0.95, "{curve:?}");
    let again = learning_curve(&train, &test, &[12, 60], &options(Features::Tfidf)).expect("curve");
    assert_eq!(again[..], curve[..2]);
}

#[test]
fn cue_words_push_toward_their_class_and_filler_barely_moves_it() {
    let model = LocalModel::train(&toy(120, 3), &options(Features::Tfidf)).expect("train");
    let contributions = model.term_contributions("terrible order with the parcel", 0);
    let weight = |term: &str| {
        contributions
            .iter()
            .find(|(t, _)| t == term)
            .map(|(_, w)| *w)
            .unwrap_or_else(|| panic!("{term} missing from {contributions:?}"))
    };
    assert!(weight("terrible") > 0.0, "toward negative");
    assert!(
        weight("order") < 0.0,
        "a neutral cue pulls away from negative"
    );
    assert!(weight("terrible") > weight("the").abs());
    assert!(
        contributions.iter().all(|(t, _)| !t.starts_with("c:")),
        "character n-grams are not shown"
    );
}
