//! Classification metrics: accuracy, per-class precision / recall / F1, macro and weighted F1, confusion matrix.

use serde::{Deserialize, Serialize};

/// Precision, recall and F1 of one class, with how many gold items it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Gold items of this class.
    pub support: u64,
}

/// Every figure of one evaluation; stored as jsonb with the run.
///
/// A ratio whose denominator is zero (no predictions of a class, no gold items of a class,
/// precision + recall = 0, or no items at all) is reported as 0 rather than NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Items counted (pairs with both indices inside `classes`).
    pub total: u64,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// F1 averaged with each class weighted by its support.
    pub weighted_f1: f64,
    /// One entry per class, in the order of `classes`.
    pub classes: Vec<ClassMetrics>,
    /// `confusion[gold][predicted]` counts.
    pub confusion: Vec<Vec<u64>>,
}

/// Change of one class's figures from run `a` to run `b` (`b − a`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassDelta {
    pub label: String,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

impl Metrics {
    /// Scores `predicted` against `gold`, both indices into `classes`.
    ///
    /// Pairs past the shorter slice, or with an index outside `classes`, are not counted.
    pub fn compute(classes: &[&str], gold: &[usize], predicted: &[usize]) -> Metrics {
        let k = classes.len();
        let mut confusion = vec![vec![0u64; k]; k];
        for (&g, &p) in gold.iter().zip(predicted) {
            if g < k && p < k {
                confusion[g][p] += 1;
            }
        }
        let total: u64 = confusion.iter().flatten().sum();
        let correct: u64 = (0..k).map(|i| confusion[i][i]).sum();
        let per_class: Vec<ClassMetrics> = classes
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let tp = confusion[c][c] as f64;
                let support: u64 = confusion[c].iter().sum();
                let predicted: u64 = confusion.iter().map(|row| row[c]).sum();
                let precision = ratio(tp, predicted as f64);
                let recall = ratio(tp, support as f64);
                ClassMetrics {
                    label: (*label).to_string(),
                    precision,
                    recall,
                    f1: ratio(2.0 * precision * recall, precision + recall),
                    support,
                }
            })
            .collect();
        let macro_f1 = ratio(per_class.iter().map(|c| c.f1).sum(), k as f64);
        let weighted_f1 = ratio(
            per_class.iter().map(|c| c.f1 * c.support as f64).sum(),
            total as f64,
        );
        Metrics {
            total,
            accuracy: ratio(correct as f64, total as f64),
            macro_f1,
            weighted_f1,
            classes: per_class,
            confusion,
        }
    }

    /// The confusion matrix with each gold row divided by its total (an empty row stays 0).
    pub fn normalised(&self) -> Vec<Vec<f64>> {
        row_normalised(&self.confusion)
    }

    /// The class labels in matrix order.
    pub fn labels(&self) -> Vec<&str> {
        self.classes.iter().map(|c| c.label.as_str()).collect()
    }
}

/// Divides each row of a count matrix by the row's sum; rows summing to 0 become all 0.
pub fn row_normalised(matrix: &[Vec<u64>]) -> Vec<Vec<f64>> {
    matrix
        .iter()
        .map(|row| {
            let sum: u64 = row.iter().sum();
            row.iter().map(|&v| ratio(v as f64, sum as f64)).collect()
        })
        .collect()
}

/// Per-class `b − a` deltas, matched by label: `a`'s classes in order, then any only in `b`.
/// A class missing from one side counts as all zeros there.
pub fn compare(a: &Metrics, b: &Metrics) -> Vec<ClassDelta> {
    let find = |m: &Metrics, label: &str| m.classes.iter().find(|c| c.label == label).cloned();
    let mut labels: Vec<&str> = a.classes.iter().map(|c| c.label.as_str()).collect();
    for c in &b.classes {
        if !labels.contains(&c.label.as_str()) {
            labels.push(&c.label);
        }
    }
    labels
        .into_iter()
        .map(|label| {
            let zero = || ClassMetrics {
                label: label.to_string(),
                precision: 0.0,
                recall: 0.0,
                f1: 0.0,
                support: 0,
            };
            let before = find(a, label).unwrap_or_else(zero);
            let after = find(b, label).unwrap_or_else(zero);
            ClassDelta {
                label: label.to_string(),
                precision: after.precision - before.precision,
                recall: after.recall - before.recall,
                f1: after.f1 - before.f1,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
