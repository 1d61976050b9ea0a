//! The train / test split of a labelled set: stratified, deterministic, computed from ids.

use super::split::stratified_split;
use crate::domain::SentimentLabel;
use crate::server::db::labelled::Item;
use crate::server::pipeline::sentiment::class_index;

/// The share of every class held out for testing.
pub const TEST_FRACTION: f64 = 0.2;
const SEED: u64 = 0x7469_636b;

/// The class index of a stored label (negative 0, neutral 1, positive 2).
pub fn class_of(label: &str) -> Option<usize> {
    SentimentLabel::parse(label).map(class_index)
}

/// Splits items into (train, test); the same items always split the same way.
pub fn split(items: &[Item]) -> (Vec<&Item>, Vec<&Item>) {
    let keyed: Vec<(i64, usize)> = items
        .iter()
        .map(|i| (i.id, class_of(&i.label).unwrap_or(1)))
        .collect();
    let is_test = stratified_split(&keyed, TEST_FRACTION, SEED);
    let (test, train): (Vec<_>, Vec<_>) = items.iter().zip(is_test).partition(|(_, t)| *t);
    (
        train.into_iter().map(|(i, _)| i).collect(),
        test.into_iter().map(|(i, _)| i).collect(),
    )
}

/// The class names in index order, as metrics and charts show them.
pub fn class_names() -> Vec<&'static str> {
    SentimentLabel::ALL.iter().map(|l| l.as_str()).collect()
}
