//! Deterministic stratified train/test split keyed on item ids, independent of input order.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A stable pseudo-random rank for an item: the first 8 bytes of SHA-256(seed ‖ id).
fn rank(seed: u64, id: i64) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(id.to_le_bytes());
    let digest = hasher.finalize();
    let mut head = [0u8; 8];
    head.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(head)
}

/// Marks which items go to the test side: `result[i]` is true when `items[i]` is a test item.
///
/// `items` are `(id, class)` pairs. Each class contributes in proportion to its size: the test
/// total is `round(n × test_fraction)`, shared out by largest remainder (ties to the lower class
/// index), and within a class the items with the lowest hash of `(seed, id)` are taken. The same
/// ids, classes and seed therefore give the same split whatever order the items arrive in.
/// `test_fraction` is clamped to `[0, 1]`; NaN counts as 0. Duplicate ids are ranked by position.
pub fn stratified_split(items: &[(i64, usize)], test_fraction: f64, seed: u64) -> Vec<bool> {
    let fraction = if test_fraction.is_nan() {
        0.0
    } else {
        test_fraction.clamp(0.0, 1.0)
    };
    let mut by_class: BTreeMap<usize, Vec<(u64, i64, usize)>> = BTreeMap::new();
    for (position, &(id, class)) in items.iter().enumerate() {
        by_class
            .entry(class)
            .or_default()
            .push((rank(seed, id), id, position));
    }
    let quotas = quotas(
        &by_class.values().map(Vec::len).collect::<Vec<_>>(),
        fraction,
    );
    let mut is_test = vec![false; items.len()];
    for (members, quota) in by_class.values_mut().zip(quotas) {
        members.sort_unstable();
        for &(_, _, position) in members.iter().take(quota) {
            is_test[position] = true;
        }
    }
    is_test
}

/// How many test items each class gets: floors first, then the leftover to the largest remainders.
fn quotas(sizes: &[usize], fraction: f64) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    let target = ((total as f64) * fraction).round() as usize;
    let exact: Vec<f64> = sizes.iter().map(|&n| n as f64 * fraction).collect();
    let mut quotas: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut left = target.saturating_sub(quotas.iter().sum());
    for class in order {
        if left == 0 {
            break;
        }
        if quotas[class] < sizes[class] {
            quotas[class] += 1;
            left -= 1;
        }
    }
    quotas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(counts: &[usize]) -> Vec<(i64, usize)> {
        let mut out = Vec::new();
        let mut id = 1000;
        for (class, &n) in counts.iter().enumerate() {
            for _ in 0..n {
                out.push((id, class));
                id += 7;
            }
        }
        out
    }

    fn test_counts(items: &[(i64, usize)], split: &[bool], classes: usize) -> Vec<usize> {
        (0..classes)
            .map(|c| {
                items
                    .iter()
                    .zip(split)
                    .filter(|((_, class), t)| *class == c && **t)
                    .count()
            })
            .collect()
    }

    #[test]
    fn each_class_is_split_in_proportion() {
        let all = items(&[100, 50, 30]);
        let split = stratified_split(&all, 0.2, 42);
        assert_eq!(test_counts(&all, &split, 3), [20, 10, 6]);
        // 10 + 5 + 3 = 18 items at 0.25 gives 4.5: 2.5, 1.25, 0.75 → floors 2, 1, 0 and the
        // remainder (round(4.5) − 3 = 2) to the largest fractions: positive 0.75, negative 0.5.
        let small = items(&[10, 5, 3]);
        let split = stratified_split(&small, 0.25, 1);
        assert_eq!(test_counts(&small, &split, 3), [3, 1, 1]);
    }

    #[test]
    fn input_order_does_not_matter() {
        let all = items(&[40, 25, 13]);
        let split = stratified_split(&all, 0.3, 9);
        let mut reversed = all.clone();
        reversed.reverse();
        let split_rev = stratified_split(&reversed, 0.3, 9);
        let test_ids = |it: &[(i64, usize)], s: &[bool]| {
            let mut ids: Vec<i64> = it
                .iter()
                .zip(s)
                .filter(|(_, t)| **t)
                .map(|(x, _)| x.0)
                .collect();
            ids.sort_unstable();
            ids
        };
        assert_eq!(test_ids(&all, &split), test_ids(&reversed, &split_rev));
        assert_eq!(split, stratified_split(&all, 0.3, 9));
    }

    #[test]
    fn the_seed_changes_which_items_are_picked() {
        let all = items(&[200]);
        let a = stratified_split(&all, 0.5, 1);
        let b = stratified_split(&all, 0.5, 2);
        assert_ne!(a, b);
        assert_eq!(a.iter().filter(|t| **t).count(), 100);
    }

    #[test]
    fn odd_fractions_are_clamped() {
        let all = items(&[3, 4]);
        assert!(stratified_split(&all, 0.0, 1).iter().all(|t| !t));
        assert!(stratified_split(&all, 1.5, 1).iter().all(|t| *t));
        assert!(stratified_split(&all, f64::NAN, 1).iter().all(|t| !t));
        assert!(stratified_split(&[], 0.5, 1).is_empty());
    }
}
