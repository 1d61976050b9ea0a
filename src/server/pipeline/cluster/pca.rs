//! A 2-D projection of embeddings by principal component analysis (power iteration with deflation on the scatter matrix).

use ndarray::{Array2, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The plane of the two largest principal components.
#[derive(Debug, Clone)]
pub struct Projection {
    pub mean: Vec<f32>,
    pub axes: [Vec<f32>; 2],
    /// Share of the total variance each axis explains.
    pub explained: [f32; 2],
}

impl Projection {
    pub fn project(&self, p: &[f32]) -> (f32, f32) {
        let centred: Vec<f32> = p.iter().zip(&self.mean).map(|(a, m)| a - m).collect();
        (dot(&centred, &self.axes[0]), dot(&centred, &self.axes[1]))
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalise(v: &mut [f32]) -> f32 {
    let n = dot(v, v).sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    n
}

/// Fits the projection of `points` (at least 2, all the same length): power iteration with
/// deflation on the d × d scatter matrix, formed once by a matrix product.
pub fn fit(points: &[Vec<f32>]) -> Projection {
    let x = super::kmeans::matrix(points);
    let dims = x.ncols();
    let mean = x.mean_axis(Axis(0)).expect("at least one point");
    let centred = &x - &mean;
    let scatter = centred.t().dot(&centred);
    let total: f32 = scatter.diag().sum();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut axes: Vec<Vec<f32>> = Vec::new();
    let mut explained = [0f32; 2];
    for slot in explained.iter_mut() {
        let mut v: Vec<f32> = (0..dims).map(|_| rng.gen::<f32>() - 0.5).collect();
        normalise(&mut v);
        let mut eigen = 0.0;
        for _ in 0..200 {
            let column = Array2::from_shape_vec((dims, 1), v.clone()).expect("d × 1");
            let mut next = scatter.dot(&column).into_raw_vec_and_offset().0;
            // Deflation: remove the components already found.
            for a in &axes {
                let s = dot(&next, a);
                next.iter_mut().zip(a).for_each(|(t, x)| *t -= s * x);
            }
            eigen = normalise(&mut next);
            let converged = dot(&next, &v).abs() > 1.0 - 1e-7;
            v = next;
            if converged {
                break;
            }
        }
        *slot = if total > 0.0 { eigen / total } else { 0.0 };
        axes.push(v);
    }
    let second = axes.pop().expect("two axes");
    let first = axes.pop().expect("two axes");
    Projection {
        mean: mean.to_vec(),
        axes: [first, second],
        explained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_direction_of_largest_spread() {
        // Points along (1, 1, 0) with a little spread along (1, -1, 0) and none along z (the
        // spread alternates with the index, so the axes tilt very slightly).
        let points: Vec<Vec<f32>> = (0..50)
            .map(|i| {
                let t = i as f32 - 25.0;
                let s = if i % 2 == 0 { 0.5 } else { -0.5 };
                vec![t + s, t - s, 0.0]
            })
            .collect();
        let p = fit(&points);
        let a = &p.axes[0];
        assert!(
            (a[0].abs() - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-2
                && (a[1] - a[0]).abs() < 1e-2,
            "{a:?}"
        );
        let b = &p.axes[1];
        assert!((b[0] + b[1]).abs() < 1e-2 && b[2].abs() < 1e-3, "{b:?}");
        assert!(p.explained[0] > 0.99 && p.explained[0] + p.explained[1] > 0.999);
    }
}
