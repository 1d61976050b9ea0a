//! The multinomial logistic loss and its gradient over sparse rows, with optional class weights.

/// Sentiment classes: negative, neutral, positive.
pub const CLASSES: usize = 3;

/// Softmax of three scores, computed stably.
pub fn softmax(z: [f64; CLASSES]) -> [f64; CLASSES] {
    let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e = z.map(|v| (v - max).exp());
    let sum: f64 = e.iter().sum();
    e.map(|v| v / sum)
}

/// Scores of one row: `b + xᵀW`, with `W` stored row-major (feature, class) in `theta` and the
/// three biases after it.
pub fn scores(theta: &[f64], width: usize, row: &[(u32, f32)]) -> [f64; CLASSES] {
    let mut z = [0.0; CLASSES];
    z.copy_from_slice(&theta[width * CLASSES..]);
    for &(j, x) in row {
        let w = &theta[j as usize * CLASSES..][..CLASSES];
        for k in 0..CLASSES {
            z[k] += f64::from(x) * w[k];
        }
    }
    z
}

/// Mean cross-entropy (each example weighted) plus `λ/2·‖W‖²`.
pub struct Objective<'a> {
    rows: &'a [Vec<(u32, f32)>],
    labels: &'a [usize],
    /// Per-example weights summing to 1.
    weights: Vec<f64>,
    width: usize,
    lambda: f64,
}

impl<'a> Objective<'a> {
    /// With `balanced`, each class present gets the same total weight; otherwise every
    /// example counts the same. `labels` are class indices below `CLASSES`.
    pub fn new(
        rows: &'a [Vec<(u32, f32)>],
        labels: &'a [usize],
        width: usize,
        lambda: f64,
        balanced: bool,
    ) -> Self {
        let mut counts = [0usize; CLASSES];
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
            lambda,
        }
    }

    /// Parameters: `width × CLASSES` weights then `CLASSES` biases.
    pub fn dimension(&self) -> usize {
        (self.width + 1) * CLASSES
    }

    /// The loss at `theta`; writes its gradient into `grad`.
    pub fn evaluate(&self, theta: &[f64], grad: &mut [f64]) -> f64 {
        let n_weights = self.width * CLASSES;
        let mut loss = 0.0;
        for (g, t) in grad[..n_weights].iter_mut().zip(&theta[..n_weights]) {
            *g = self.lambda * t;
            loss += 0.5 * self.lambda * t * t;
        }
        grad[n_weights..].iter_mut().for_each(|g| *g = 0.0);
        for ((row, &label), &weight) in self.rows.iter().zip(self.labels).zip(&self.weights) {
            let z = scores(theta, self.width, row);
            let p = softmax(z);
            let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let log_sum = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
            loss += weight * (log_sum - z[label]);
            let mut diff = p.map(|v| v * weight);
            diff[label] -= weight;
            for &(j, x) in row {
                let g = &mut grad[j as usize * CLASSES..][..CLASSES];
                for k in 0..CLASSES {
                    g[k] += diff[k] * f64::from(x);
                }
            }
            for k in 0..CLASSES {
                grad[n_weights + k] += diff[k];
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
        let labels = [0, 2, 1];
        let objective = Objective::new(&rows, &labels, 3, 0.1, true);
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
                "parameter {i}: {numeric} vs {}",
                grad[i]
            );
        }
    }

    #[test]
    fn zero_parameters_cost_ln_3() {
        let rows = vec![vec![(0, 1.0)], vec![(0, 1.0)]];
        let objective = Objective::new(&rows, &[0, 1], 1, 1.0, false);
        let theta = vec![0.0; objective.dimension()];
        let loss = objective.evaluate(&theta, &mut vec![0.0; theta.len()]);
        assert!((loss - 3f64.ln()).abs() < 1e-12);
        let p = softmax([1000.0, 0.0, -1000.0]);
        assert!((p[0] - 1.0).abs() < 1e-12 && p[2] >= 0.0);
    }
}
