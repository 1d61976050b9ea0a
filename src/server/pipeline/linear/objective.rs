//! The multinomial logistic loss and its gradient over sparse rows, with optional class weights.

/// Softmax of a score vector, computed stably, in place.
pub fn softmax(z: &mut [f64]) {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    z.iter_mut().for_each(|v| *v = (*v - max).exp());
    let sum: f64 = z.iter().sum();
    z.iter_mut().for_each(|v| *v /= sum);
}

/// Scores of one row, `b + xᵀW`, written into `z` (one per class). `W` is stored row-major
/// (feature, class) in `theta`, the biases after it.
pub fn scores(theta: &[f64], width: usize, row: &[(u32, f32)], z: &mut [f64]) {
    let classes = z.len();
    z.copy_from_slice(&theta[width * classes..]);
    for &(j, x) in row {
        let w = &theta[j as usize * classes..][..classes];
        for (zk, wk) in z.iter_mut().zip(w) {
            *zk += f64::from(x) * wk;
        }
    }
}

/// Mean cross-entropy (each example weighted) plus `λ/2·‖W‖²`.
pub struct Objective<'a> {
    rows: &'a [Vec<(u32, f32)>],
    labels: &'a [usize],
    /// Per-example weights summing to 1.
    weights: Vec<f64>,
    width: usize,
    classes: usize,
    lambda: f64,
}

impl<'a> Objective<'a> {
    /// With `balanced`, each class present gets the same total weight; otherwise every
    /// example counts the same. `labels` are class indices below `classes`.
    pub fn new(
        rows: &'a [Vec<(u32, f32)>],
        labels: &'a [usize],
        (width, classes): (usize, usize),
        lambda: f64,
        balanced: bool,
    ) -> Self {
        let mut counts = vec![0usize; classes];
        labels.iter().for_each(|&l| counts[l] += 1);
        let present = counts.iter().filter(|c| **c > 0).count().max(1) as f64;
        let n = labels.len().max(1) as f64;
        let weights = labels
            .iter()
            .map(|&l| {
                if balanced {
                    1.0 / (present * counts[l] as f64)
                } else {
                    1.0 / n
                }
            })
            .collect();
        Objective {
            rows,
            labels,
            weights,
            width,
            classes,
            lambda,
        }
    }

    /// Parameters: `width × classes` weights then `classes` biases.
    pub fn dimension(&self) -> usize {
        (self.width + 1) * self.classes
    }

    /// The loss at `theta`; writes its gradient into `grad`.
    pub fn evaluate(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let classes = self.classes;
        let n_weights = self.width * classes;
        let mut loss = 0.0;
        for (g, t) in grad[..n_weights].iter_mut().zip(&theta[..n_weights]) {
            *g = self.lambda * t;
            loss += 0.5 * self.lambda * t * t;
        }
        grad[n_weights..].iter_mut().for_each(|g| *g = 0.0);
        let mut z = vec![0.0; classes];
        for ((row, &label), &weight) in self.rows.iter().zip(self.labels).zip(&self.weights) {
            scores(theta, self.width, row, &mut z);
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_sum = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
            loss += weight * (log_sum - z[label]);
            // z becomes p, then the weighted difference p - onehot.
            softmax(&mut z);
            z.iter_mut().for_each(|v| *v *= weight);
            z[label] -= weight;
            for &(j, x) in row {
                let g = &mut grad[j as usize * classes..][..classes];
                for (gk, dk) in g.iter_mut().zip(&z) {
                    *gk += dk * f64::from(x);
                }
            }
            for (gk, dk) in grad[n_weights..].iter_mut().zip(&z) {
                *gk += dk;
            }
        }
        loss
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let rows = vec![
            vec![(0, 1.0), (2, 0.5)],
            vec![(1, 2.0)],
            vec![(0, -1.0), (1, 0.3)],
        ];
        for classes in [3, 5] {
            let labels = [0, classes - 1, 1];
            let objective = Objective::new(&rows, &labels, (3, classes), 0.1, true);
            let theta: Vec<f64> = (0..objective.dimension())
                .map(|i| (i as f64 * 0.37).sin())
                .collect();
            let mut grad = vec![0.0; theta.len()];
            objective.evaluate(&theta, &mut grad);
            let mut scratch = vec![0.0; theta.len()];
            for i in 0..theta.len() {
                let (mut up, mut down) = (theta.clone(), theta.clone());
                up[i] += 1e-6;
                down[i] -= 1e-6;
                let numeric = (objective.evaluate(&up, &mut scratch)
                    - objective.evaluate(&down, &mut scratch))
                    / 2e-6;
                assert!(
                    (numeric - grad[i]).abs() < 1e-6,
                    "{classes} classes, parameter {i}: {numeric} vs {}",
                    grad[i]
                );
            }
        }
    }

    #[test]
    fn zero_parameters_cost_ln_3() {
        let rows = vec![vec![(0, 1.0)], vec![(0, 1.0)]];
        let objective = Objective::new(&rows, &[0, 1], (1, 3), 1.0, false);
        let theta = vec![0.0; objective.dimension()];
        let loss = objective.evaluate(&theta, &mut vec![0.0; theta.len()]);
        assert!((loss - 3f64.ln()).abs() < 1e-12);
        let mut p = [1000.0, 0.0, -1000.0];
        softmax(&mut p);
        assert!((p[0] - 1.0).abs() < 1e-12 && p[2] >= 0.0);
    }
}
