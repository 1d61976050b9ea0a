//! Whether a label column can be predicted from ticket text better than chance: stratified k-fold cross-validation of a multinomial naive Bayes on words, tested against always answering the commonest label. Cheap enough to run on every imported source.

use super::text::words;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// How many standard errors the cross-validated accuracy must lie above the majority rate for
/// the labels to count as predictable (one-sided, p ≈ 0.001). A fixed margin in points fails
/// both ways: 97% against 96% halves the errors of a rare label, while 2 points on a
/// near-uniform label of a small file is noise.
pub const Z: f64 = 3.0;

/// The verdict, with the figures behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictability {
    pub folds: usize,
    pub accuracy: f64,
    pub majority_label: String,
    pub majority_rate: f64,
    pub has_signal: bool,
}

/// Word counts per class, Laplace-smoothed at prediction.
struct Model<'a> {
    classes: Vec<&'a str>,
    priors: Vec<f64>,
    counts: Vec<HashMap<String, f64>>,
    totals: Vec<f64>,
    vocabulary: usize,
}

impl<'a> Model<'a> {
    fn train(examples: &[(&'a str, Vec<String>)]) -> Self {
        let mut classes: Vec<&str> = examples.iter().map(|e| e.0).collect();
        classes.sort_unstable();
        classes.dedup();
        let index: HashMap<&str, usize> =
            classes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut priors = vec![0.0; classes.len()];
        let mut counts = vec![HashMap::new(); classes.len()];
        let mut totals = vec![0.0; classes.len()];
        let mut vocabulary: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (label, tokens) in examples {
            let k = index[label];
            priors[k] += 1.0;
            for t in tokens {
                *counts[k].entry(t.clone()).or_insert(0.0) += 1.0;
                totals[k] += 1.0;
                vocabulary.insert(t);
            }
        }
        let n = examples.len() as f64;
        let priors = priors.iter().map(|p| (p / n).ln()).collect();
        Model {
            classes,
            priors,
            counts,
            totals,
            vocabulary: vocabulary.len(),
        }
    }

    fn predict(&self, tokens: &[String]) -> &'a str {
        let v = self.vocabulary as f64 + 1.0;
        let score = |k: usize| {
            tokens.iter().fold(self.priors[k], |s, t| {
                let c = self.counts[k].get(t).copied().unwrap_or(0.0);
                s + ((c + 1.0) / (self.totals[k] + v)).ln()
            })
        };
        let best = (0..self.classes.len())
            .max_by(|&a, &b| score(a).total_cmp(&score(b)))
            .unwrap_or(0);
        self.classes[best]
    }
}

/// Stratified `folds`-fold cross-validation on (text, label) pairs (deterministic for a seed).
/// None with fewer than two labels.
pub fn check(examples: &[(String, String)], folds: usize, seed: u64) -> Option<Predictability> {
    let folds = folds.max(2);
    let mut by_label: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, (_, label)) in examples.iter().enumerate() {
        by_label.entry(label.as_str()).or_default().push(i);
    }
    if by_label.len() < 2 {
        return None;
    }
    let mut labels: Vec<&str> = by_label.keys().copied().collect();
    labels.sort_unstable();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold_of = vec![0usize; examples.len()];
    for label in &labels {
        let mut members = by_label[label].clone();
        members.shuffle(&mut rng);
        for (n, i) in members.into_iter().enumerate() {
            fold_of[i] = n % folds;
        }
    }
    let tokens: Vec<Vec<String>> = examples.iter().map(|(t, _)| words(t).collect()).collect();
    let mut correct = 0usize;
    for fold in 0..folds {
        let train: Vec<(&str, Vec<String>)> = (0..examples.len())
            .filter(|&i| fold_of[i] != fold)
            .map(|i| (examples[i].1.as_str(), tokens[i].clone()))
            .collect();
        if train.is_empty() {
            continue;
        }
        let model = Model::train(&train);
        correct += (0..examples.len())
            .filter(|&i| fold_of[i] == fold && model.predict(&tokens[i]) == examples[i].1)
            .count();
    }
    let (majority_label, most) = labels
        .iter()
        .map(|l| (l.to_string(), by_label[l].len()))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .unwrap_or_default();
    let n = examples.len() as f64;
    let accuracy = correct as f64 / n;
    let majority_rate = most as f64 / n;
    let standard_error = (majority_rate * (1.0 - majority_rate) / n).sqrt().max(1e-9);
    Some(Predictability {
        folds,
        accuracy,
        majority_label,
        majority_rate,
        has_signal: (accuracy - majority_rate) / standard_error >= Z,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn examples(noise: bool) -> Vec<(String, String)> {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let topics = [
            ("billing", ["invoice", "charged", "payment", "refund"]),
            ("shipping", ["parcel", "courier", "tracking", "delivery"]),
            ("login", ["password", "account", "locked", "code"]),
        ];
        (0..300)
            .map(|i| {
                let (label, vocab) = topics[i % 3];
                let text = format!(
                    "hello team my {} and {} please help {}",
                    vocab[rng.gen_range(0..4)],
                    vocab[rng.gen_range(0..4)],
                    i
                );
                let label = if noise {
                    topics[rng.gen_range(0..3)].0
                } else {
                    label
                };
                (text, label.to_string())
            })
            .collect()
    }

    #[test]
    fn labels_that_follow_the_text_are_predictable() {
        let p = check(&examples(false), 5, 7).unwrap();
        assert!(p.accuracy > 0.95, "{p:?}");
        assert!(p.has_signal);
    }

    #[test]
    fn random_labels_are_not() {
        let p = check(&examples(true), 5, 7).unwrap();
        assert!(!p.has_signal, "{p:?}");
        assert!((p.accuracy - p.majority_rate).abs() < 0.1, "{p:?}");
    }

    #[test]
    fn a_rare_label_that_follows_the_text_is_predictable_despite_a_high_majority_rate() {
        // 5% of tickets mention a chargeback and carry "true"; always "false" is 95% right.
        let examples: Vec<(String, String)> = (0..1000)
            .map(|i| {
                if i % 20 == 0 {
                    (
                        format!("I will file a chargeback with my bank {i}"),
                        "true".into(),
                    )
                } else {
                    (format!("where is my parcel number {i}"), "false".into())
                }
            })
            .collect();
        let p = check(&examples, 5, 7).unwrap();
        assert!((p.majority_rate - 0.95).abs() < 1e-9);
        assert!(p.accuracy > 0.99, "{p:?}");
        assert!(p.has_signal);
    }

    #[test]
    fn one_label_cannot_be_checked() {
        let one = vec![("a".to_string(), "x".to_string()); 10];
        assert!(check(&one, 5, 7).is_none());
    }
}
