//! Category engines on small synthetic tickets: learning, held-out measurement, the signal check.

use super::signal::check;
use super::*;
use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const TOPICS: [(&str, &[&str]); 4] = [
    (
        "billing",
        &["invoice", "charged", "refund", "payment", "card", "bill"],
    ),
    (
        "delivery",
        &[
            "parcel", "courier", "shipping", "tracking", "arrived", "box",
        ],
    ),
    (
        "login",
        &["password", "login", "account", "locked", "code", "sign"],
    ),
    (
        "hardware",
        &[
            "screen",
            "battery",
            "cracked",
            "charger",
            "button",
            "overheats",
        ],
    ),
];
const FILLER: [&str; 8] = [
    "the",
    "my",
    "please",
    "help",
    "since",
    "yesterday",
    "it",
    "again",
];

/// Tickets of three topic words among filler; embeddings near a topic centre.
fn tickets(n: usize, seed: u64) -> Vec<CategoryExample> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let (label, cues) = TOPICS[i % TOPICS.len()];
            let mut words: Vec<&str> = (0..3)
                .filter_map(|_| cues.choose(&mut rng).copied())
                .collect();
            words.extend((0..5).filter_map(|_| FILLER.choose(&mut rng).copied()));
            words.shuffle(&mut rng);
            let mut embedding: Vec<f32> = (0..8).map(|_| rng.gen_range(-0.4..0.4)).collect();
            embedding[i % TOPICS.len()] += 1.0;
            CategoryExample {
                text: format!("{} {i}", words.join(" ")),
                embedding: Some(embedding),
                label: label.to_string(),
            }
        })
        .collect()
}

#[test]
fn both_engines_learn_topics_and_measure_on_held_out_tickets() {
    let data = tickets(400, 1);
    let (train, test) = split(&data);
    assert_eq!((train.len(), test.len()), (320, 80));
    for engine in CategoryEngine::ALL {
        let model = CategoryModel::train(&train, engine).unwrap();
        assert_eq!(
            model.classes(),
            ["billing", "delivery", "hardware", "login"]
        );
        let m = measure(&model, &test).unwrap();
        assert_eq!(m.total, 80);
        assert!(m.accuracy > 0.9, "{engine:?}: accuracy {}", m.accuracy);
        let p = model
            .predict(
                "the courier lost my parcel",
                Some(&test[1].embedding.clone().unwrap()),
            )
            .unwrap();
        assert!(p.confidence > 0.25 && p.confidence <= 1.0);
        if engine == CategoryEngine::Tfidf {
            assert_eq!(p.label, "delivery");
        }
    }
}

#[test]
fn the_embedding_engine_needs_embeddings_and_the_model_survives_json() {
    let mut data = tickets(40, 2);
    let model = CategoryModel::train(&data, CategoryEngine::Embedding).unwrap();
    assert!(model.predict("no embedding", None).is_err());
    let json = serde_json::to_string(&model).unwrap();
    let back: CategoryModel = serde_json::from_str(&json).unwrap();
    let e = data[3].embedding.clone();
    assert_eq!(
        back.predict(&data[3].text, e.as_deref()).unwrap(),
        model.predict(&data[3].text, e.as_deref()).unwrap()
    );
    data[5].embedding = None;
    let err = CategoryModel::train(&data, CategoryEngine::Embedding).unwrap_err();
    assert!(
        err.to_string().contains("example 5 has no embedding"),
        "{err}"
    );
}

#[test]
fn random_labels_are_reported_as_carrying_no_signal() {
    let data = tickets(300, 3);
    let real = check(&data, CategoryEngine::Tfidf, 5, 7).unwrap();
    assert!(real.has_signal, "{real:?}");
    assert!(real.accuracy > 0.9);
    assert!((real.majority_rate - 0.25).abs() < 1e-9);
    // Shuffle the labels so they no longer depend on the text.
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut labels: Vec<String> = data.iter().map(|e| e.label.clone()).collect();
    labels.shuffle(&mut rng);
    let noise: Vec<CategoryExample> = data
        .iter()
        .zip(labels)
        .map(|(e, label)| CategoryExample { label, ..e.clone() })
        .collect();
    let report = check(&noise, CategoryEngine::Tfidf, 5, 7).unwrap();
    assert!(!report.has_signal, "{report:?}");
    assert!(
        report.verdict().contains("no usable signal"),
        "{}",
        report.verdict()
    );
    assert_eq!(report.examples, 300);
}

#[test]
fn duplicates_are_dropped_before_splitting_and_unseen_labels_count_as_errors() {
    let mut data = tickets(40, 4);
    let mut copy = data[0].clone();
    copy.text = format!("  {}  ", data[0].text.to_uppercase());
    data.push(copy);
    assert_eq!(dedupe(&mut data), 1);
    assert_eq!(data.len(), 40);
    let model = CategoryModel::train(&data, CategoryEngine::Tfidf).unwrap();
    let mut test = vec![data[0].clone()];
    test.push(CategoryExample {
        label: "warranty".into(),
        ..data[1].clone()
    });
    let m = measure(&model, &test).unwrap();
    assert_eq!(m.total, 2);
    assert!((m.accuracy - 0.5).abs() < 1e-9, "{}", m.accuracy);
    assert_eq!(m.classes.last().unwrap().label, "warranty");
}
