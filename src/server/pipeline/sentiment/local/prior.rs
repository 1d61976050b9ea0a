//! The lexicon as a prior: its vote blended into a model's probabilities with a cross-validated weight, so few labels lean on it.

use super::{class_index, LocalModel, TrainExample, TrainOptions};
use crate::domain::metrics::Metrics;
use crate::server::pipeline::sentiment::lexicon;

/// Folds of the cross-validation that picks the blend.
const FOLDS: usize = 5;

/// The lexicon's label as probabilities: 0.6 on its label, 0.2 on each other class.
pub fn lexicon_vote(text: &str) -> [f64; 3] {
    let mut vote = [0.2; 3];
    vote[class_index(lexicon::sentiment(text).label)] = 0.6;
    vote
}

/// `(1 − weight) · model + weight · lexicon vote`.
pub fn blend(model: &[f64], text: &str, weight: f32) -> Vec<f64> {
    if weight <= 0.0 {
        return model.to_vec();
    }
    let w = f64::from(weight);
    model
        .iter()
        .zip(lexicon_vote(text))
        .map(|(p, v)| (1.0 - w) * p + w * v)
        .collect()
}

/// The lexicon weight in {0, 0.1, …, 1} with the best out-of-fold macro-F1 over five folds
/// (ties go to the smaller weight). A fold whose rest holds one class only is skipped; with no
/// fold left the weight is 0.
pub fn choose_weight(examples: &[TrainExample], options: &TrainOptions) -> anyhow::Result<f32> {
    let mut best = (f64::MIN, 0.0f32);
    for (weight, f1) in weight_curve(examples, options)? {
        if f1 > best.0 + 1e-9 {
            best = (f1, weight);
        }
    }
    Ok(best.1)
}

/// Out-of-fold macro-F1 at each lexicon weight 0, 0.1, …, 1 (empty when no fold could train).
pub fn weight_curve(
    examples: &[TrainExample],
    options: &TrainOptions,
) -> anyhow::Result<Vec<(f32, f64)>> {
    let fold_of = folds(examples);
    let mut oof: Vec<Option<Vec<f64>>> = vec![None; examples.len()];
    for fold in 0..FOLDS {
        let train: Vec<TrainExample> = examples
            .iter()
            .zip(&fold_of)
            .filter(|(_, f)| **f != fold)
            .map(|(e, _)| e.clone())
            .collect();
        let distinct = {
            let mut l: Vec<usize> = train.iter().map(|e| class_index(e.label)).collect();
            l.sort_unstable();
            l.dedup();
            l.len()
        };
        if distinct < 2 || train.len() == examples.len() {
            continue;
        }
        let model = LocalModel::train(&train, options)?;
        for (i, e) in examples.iter().enumerate() {
            if fold_of[i] == fold {
                let p = model.predict(&e.text, e.embedding.as_deref())?;
                oof[i] = Some(p.probabilities.iter().map(|&v| f64::from(v)).collect());
            }
        }
    }
    let scored: Vec<(&TrainExample, Vec<f64>)> = examples
        .iter()
        .zip(oof)
        .filter_map(|(e, p)| p.map(|p| (e, p)))
        .collect();
    if scored.is_empty() {
        return Ok(Vec::new());
    }
    let classes: Vec<&str> = crate::domain::SentimentLabel::ALL
        .iter()
        .map(|l| l.as_str())
        .collect();
    let gold: Vec<usize> = scored.iter().map(|(e, _)| class_index(e.label)).collect();
    Ok((0..=10)
        .map(|step| {
            let weight = step as f32 / 10.0;
            let predicted: Vec<usize> = scored
                .iter()
                .map(|(e, p)| crate::server::pipeline::linear::argmax(&blend(p, &e.text, weight)))
                .collect();
            (
                weight,
                Metrics::compute(&classes, &gold, &predicted).macro_f1,
            )
        })
        .collect())
}

/// Each example's fold: within each class, examples are dealt to the folds in turn.
fn folds(examples: &[TrainExample]) -> Vec<usize> {
    let mut dealt = [0usize; 3];
    examples
        .iter()
        .map(|e| {
            let c = class_index(e.label);
            dealt[c] += 1;
            (dealt[c] - 1) % FOLDS
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{choose_weight, lexicon_vote};
    use crate::domain::SentimentLabel;
    use crate::server::pipeline::sentiment::local::{
        Features, LocalModel, TrainExample, TrainOptions,
    };
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    const WORDS: [&str; 3] = ["terrible", "the parcel", "wonderful"];

    /// Texts whose label the lexicon reads right, with embeddings that are noise (`signal` 0)
    /// or that place each class near its own axis (`signal` 1).
    fn examples(n: usize, signal: f32, lexical: bool, seed: u64) -> Vec<TrainExample> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|i| {
                let c = i % 3;
                let mut embedding: Vec<f32> = (0..6).map(|_| rng.gen_range(-0.5..0.5)).collect();
                embedding[c] += signal;
                TrainExample {
                    text: if lexical {
                        format!("it was {} today", WORDS[c])
                    } else {
                        "it was the parcel today".into()
                    },
                    embedding: Some(embedding),
                    label: SentimentLabel::ALL[c],
                }
            })
            .collect()
    }

    fn embedding_only() -> TrainOptions {
        TrainOptions {
            features: Features::Embedding,
            ..TrainOptions::default()
        }
    }

    #[test]
    fn the_lexicon_votes_for_its_own_label() {
        assert_eq!(lexicon_vote("this is terrible"), [0.6, 0.2, 0.2]);
        assert_eq!(lexicon_vote("wonderful, thank you"), [0.2, 0.2, 0.6]);
    }

    #[test]
    fn a_model_that_learned_nothing_leans_on_the_lexicon() {
        let train = examples(48, 0.0, true, 1);
        let weight = choose_weight(&train, &embedding_only()).expect("weight");
        assert!(weight >= 0.5, "weight {weight}");
        let model = LocalModel::train_with_prior(&train, &embedding_only()).expect("model");
        let test = examples(30, 0.0, true, 2);
        let right = test
            .iter()
            .filter(|e| {
                model
                    .predict(&e.text, e.embedding.as_deref())
                    .expect("prediction")
                    .label
                    == e.label
            })
            .count();
        assert_eq!(right, test.len(), "the lexicon reads every test text right");
    }

    #[test]
    fn a_model_that_learned_the_task_ignores_a_lexicon_that_cannot_read_it() {
        // Every text reads neutral to the lexicon; the embeddings separate the classes.
        let train = examples(60, 2.0, false, 3);
        assert_eq!(
            choose_weight(&train, &embedding_only()).expect("weight"),
            0.0
        );
    }
}
