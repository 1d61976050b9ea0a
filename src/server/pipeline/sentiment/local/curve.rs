//! Learning curves: macro F1 on a fixed test set as the training set grows.

use super::{class_index, LocalModel, TrainExample, TrainOptions};
use crate::domain::metrics::Metrics;
use crate::domain::SentimentLabel;
use crate::server::pipeline::evaluation::split::stratified_split;

/// Trains on stratified subsets of `train` of each size in `sizes` and scores each model on
/// `test`, returning `(size used, macro F1)`. Sizes are capped at `train.len()`; zero and
/// repeated sizes are skipped. Subsets come from `options.seed`, so the curve is repeatable.
pub fn learning_curve(
    train: &[TrainExample],
    test: &[TrainExample],
    sizes: &[usize],
    options: &TrainOptions,
) -> anyhow::Result<Vec<(usize, f64)>> {
    let items: Vec<(i64, usize)> = train
        .iter()
        .enumerate()
        .map(|(i, e)| (i as i64, class_index(e.label)))
        .collect();
    let classes: Vec<&str> = SentimentLabel::ALL.iter().map(|l| l.as_str()).collect();
    let gold: Vec<usize> = test.iter().map(|e| class_index(e.label)).collect();
    let mut done = Vec::new();
    let mut curve = Vec::new();
    for &size in sizes {
        let size = size.min(train.len());
        if size == 0 || done.contains(&size) {
            continue;
        }
        done.push(size);
        let chosen = stratified_split(&items, size as f64 / train.len() as f64, options.seed);
        let subset: Vec<TrainExample> = train
            .iter()
            .zip(&chosen)
            .filter(|(_, picked)| **picked)
            .map(|(e, _)| e.clone())
            .collect();
        let model = LocalModel::train(&subset, options)?;
        let predicted = test
            .iter()
            .map(|e| {
                model
                    .predict(&e.text, e.embedding.as_deref())
                    .map(|p| class_index(p.label))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        curve.push((
            subset.len(),
            Metrics::compute(&classes, &gold, &predicted).macro_f1,
        ));
    }
    Ok(curve)
}
