//! Length-sorted batching and vector maths that need no model, so they can be unit-tested alone.

use anyhow::{bail, Context};

/// Input positions grouped into batches of at most `batch` items, shortest texts first, so each
/// batch holds texts of similar length and padding stays small. Every position appears once.
pub(crate) fn plan(lengths: &[usize], batch: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    // Stable: equal lengths keep their input order, so results are reproducible.
    order.sort_by_key(|&i| lengths[i]);
    order.chunks(batch.max(1)).map(<[usize]>::to_vec).collect()
}

/// Puts each batch's outputs back at the input positions `plan` took them from.
pub(crate) fn scatter<T>(
    len: usize,
    plan: &[Vec<usize>],
    outputs: Vec<Vec<T>>,
) -> anyhow::Result<Vec<T>> {
    if plan.len() != outputs.len() {
        bail!(
            "{} batches planned but {} computed",
            plan.len(),
            outputs.len()
        );
    }
    let mut slots: Vec<Option<T>> = (0..len).map(|_| None).collect();
    for (positions, out) in plan.iter().zip(outputs) {
        if positions.len() != out.len() {
            bail!(
                "a batch of {} texts gave {} outputs",
                positions.len(),
                out.len()
            );
        }
        for (&pos, value) in positions.iter().zip(out) {
            let slot = slots
                .get_mut(pos)
                .with_context(|| format!("position {pos} is outside the {len} inputs"))?;
            *slot = Some(value);
        }
    }
    slots
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.with_context(|| format!("no output for input {i}")))
        .collect()
}

/// Tokens the model actually processes for `plan`: each batch costs its longest text times its size.
pub(crate) fn padded_tokens(lengths: &[usize], plan: &[Vec<usize>]) -> usize {
    plan.iter()
        .map(|b| b.len() * b.iter().map(|&i| lengths[i]).max().unwrap_or(0))
        .sum()
}

/// Scales `v` to unit length; an all-zero vector is left as it is.
pub(crate) fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 1e-12 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_sorts_by_length_and_covers_every_input_once() {
        let lengths = [9, 2, 7, 2, 5, 11, 3];
        let p = plan(&lengths, 3);
        assert_eq!(p.iter().map(Vec::len).collect::<Vec<_>>(), vec![3, 3, 1]);
        let flat: Vec<usize> = p.concat();
        let sorted: Vec<usize> = flat.iter().map(|&i| lengths[i]).collect();
        assert!(sorted.windows(2).all(|w| w[0] <= w[1]), "{sorted:?}");
        let mut seen = flat.clone();
        seen.sort_unstable();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
        // Equal lengths keep input order.
        assert_eq!(&flat[..2], &[1, 3]);
    }

    #[test]
    fn plan_handles_empty_input_and_zero_batch() {
        assert!(plan(&[], 32).is_empty());
        assert_eq!(plan(&[4, 1], 0), vec![vec![1], vec![0]]);
    }

    #[test]
    fn scatter_restores_input_order() {
        let lengths = [30, 10, 20, 10, 40];
        let p = plan(&lengths, 2);
        // Each "output" is the length it was computed from, in batch order.
        let outputs: Vec<Vec<usize>> = p
            .iter()
            .map(|b| b.iter().map(|&i| lengths[i]).collect())
            .collect();
        assert_eq!(
            scatter(lengths.len(), &p, outputs).unwrap(),
            lengths.to_vec()
        );
    }

    #[test]
    fn scatter_rejects_missing_or_mismatched_outputs() {
        let p = plan(&[1, 2, 3], 2);
        assert!(scatter(3, &p, vec![vec![1, 2]]).is_err());
        assert!(scatter(3, &p, vec![vec![1], vec![3]]).is_err());
        assert!(scatter(4, &p, vec![vec![1, 2], vec![3]]).is_err());
    }

    #[test]
    fn padded_tokens_counts_each_batch_at_its_longest() {
        let lengths = [3, 10, 4, 9];
        assert_eq!(padded_tokens(&lengths, &plan(&lengths, 2)), 2 * 4 + 2 * 10);
        assert_eq!(padded_tokens(&lengths, &plan(&lengths, 4)), 4 * 10);
    }

    #[test]
    fn normalize_gives_unit_length_and_keeps_zero() {
        let mut v = vec![3.0, 4.0];
        normalize(&mut v);
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        let mut z = vec![0.0; 3];
        normalize(&mut z);
        assert_eq!(z, vec![0.0; 3]);
    }
}
