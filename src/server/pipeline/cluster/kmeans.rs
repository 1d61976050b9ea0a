//! k-means (k-means++ seeding, Lloyd iterations) and the silhouette score that picks k, with the distance work done as matrix products.

use ndarray::{Array1, Array2, ArrayView1, Axis};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Squared Euclidean distance.
pub fn dist2(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Points as the rows of a matrix (all the same length).
pub fn matrix(points: &[Vec<f32>]) -> Array2<f32> {
    let dims = points.first().map_or(0, Vec::len);
    Array2::from_shape_vec((points.len(), dims), points.concat()).expect("rows of equal length")
}

/// Each row's squared norm.
fn row_norms(x: &Array2<f32>) -> Array1<f32> {
    x.rows().into_iter().map(|r| r.dot(&r)).collect()
}

/// Squared distances between every row of `x` (norms `xn`) and every row of `c` (norms `cn`):
/// |x|² + |c|² − 2 x·c, with the products in one matrix multiplication.
fn distances(x: &Array2<f32>, xn: &Array1<f32>, c: &Array2<f32>) -> Array2<f32> {
    let cn = row_norms(c);
    let mut d = x.dot(&c.t());
    for ((i, j), v) in d.indexed_iter_mut() {
        *v = (xn[i] + cn[j] - 2.0 * *v).max(0.0);
    }
    d
}

/// A k-means result.
#[derive(Debug, Clone)]
pub struct KMeans {
    pub centroids: Vec<Vec<f32>>,
    /// The cluster of each point.
    pub assignment: Vec<usize>,
    /// Sum of squared distances to the assigned centroids.
    pub inertia: f64,
}

/// Clusters `points` into `k` groups; the same seed gives the same result. Stops when no point
/// changes cluster or after `max_iter` rounds. An emptied cluster is re-seeded with the point
/// farthest from its centroid.
pub fn kmeans(points: &[Vec<f32>], k: usize, seed: u64, max_iter: usize) -> KMeans {
    assert!(k >= 1 && points.len() >= k, "need at least k points");
    let x = matrix(points);
    let xn = row_norms(&x);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut centroids = seed_plus_plus(&x, &xn, k, &mut rng);
    let mut assignment = vec![usize::MAX; points.len()];
    let mut nearest_d2 = vec![0f32; points.len()];
    for round in 0..=max_iter {
        let d = distances(&x, &xn, &centroids);
        let mut changed = false;
        for (i, row) in d.rows().into_iter().enumerate() {
            let (best, d2) = argmin(row);
            nearest_d2[i] = d2;
            if assignment[i] != best {
                assignment[i] = best;
                changed = true;
            }
        }
        if !changed || round == max_iter {
            break;
        }
        centroids = means(&x, &assignment, k, &nearest_d2);
    }
    KMeans {
        centroids: centroids.rows().into_iter().map(|r| r.to_vec()).collect(),
        assignment,
        inertia: nearest_d2.iter().map(|&v| v as f64).sum(),
    }
}

/// The smallest entry's index and value.
fn argmin(row: ArrayView1<f32>) -> (usize, f32) {
    row.iter()
        .copied()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one centroid")
}

fn seed_plus_plus(
    x: &Array2<f32>,
    xn: &Array1<f32>,
    k: usize,
    rng: &mut ChaCha8Rng,
) -> Array2<f32> {
    let n = x.nrows();
    let mut chosen = vec![rng.gen_range(0..n)];
    let mut d: Vec<f32> = distances(x, xn, &x.select(Axis(0), &chosen))
        .column(0)
        .to_vec();
    while chosen.len() < k {
        let total: f64 = d.iter().map(|&v| v as f64).sum();
        let pick = if total <= 0.0 {
            rng.gen_range(0..n)
        } else {
            let mut target = rng.gen::<f64>() * total;
            let mut pick = n - 1;
            for (i, &v) in d.iter().enumerate() {
                target -= v as f64;
                if target <= 0.0 {
                    pick = i;
                    break;
                }
            }
            pick
        };
        let to_new = distances(x, xn, &x.select(Axis(0), &[pick]));
        for (di, v) in d.iter_mut().zip(to_new.column(0)) {
            *di = di.min(*v);
        }
        chosen.push(pick);
    }
    x.select(Axis(0), &chosen)
}

/// New centroids: the mean of each cluster's points (one matrix product with the one-hot
/// assignment). An emptied cluster takes the point farthest from its centroid.
fn means(x: &Array2<f32>, assignment: &[usize], k: usize, nearest_d2: &[f32]) -> Array2<f32> {
    let mut onehot = Array2::<f32>::zeros((k, x.nrows()));
    let mut counts = vec![0usize; k];
    for (i, &c) in assignment.iter().enumerate() {
        onehot[[c, i]] = 1.0;
        counts[c] += 1;
    }
    let mut out = onehot.dot(x);
    for (c, mut row) in out.rows_mut().into_iter().enumerate() {
        if counts[c] == 0 {
            let far = nearest_d2
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map_or(0, |(i, _)| i);
            row.assign(&x.row(far));
        } else {
            row.mapv_inplace(|v| v / counts[c] as f32);
        }
    }
    out
}

/// Mean silhouette of `points` under `assignment` (Euclidean): for each point, (b - a) / max(a, b)
/// where a is its mean distance to its own cluster and b to the nearest other cluster. Points
/// alone in their cluster score 0. O(n²): pass a sample.
pub fn silhouette(points: &[Vec<f32>], assignment: &[usize], k: usize) -> f64 {
    let n = points.len();
    if n < 2 || k < 2 {
        return 0.0;
    }
    let x = matrix(points);
    let xn = row_norms(&x);
    let d2 = distances(&x, &xn, &x);
    let mut total = 0.0;
    let mut sums = vec![0f64; k];
    let mut counts = vec![0usize; k];
    for &c in assignment {
        counts[c] += 1;
    }
    for (i, row) in d2.rows().into_iter().enumerate() {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for (j, &v) in row.iter().enumerate() {
            if i != j {
                sums[assignment[j]] += (v as f64).sqrt();
            }
        }
        let own = assignment[i];
        if counts[own] <= 1 {
            continue;
        }
        let a = sums[own] / (counts[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && counts[c] > 0)
            .map(|c| sums[c] / counts[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b).max(1e-12);
        }
    }
    total / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three tight blobs far apart.
    fn blobs() -> Vec<Vec<f32>> {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let centres = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]];
        (0..90)
            .map(|i| {
                let c = centres[i % 3];
                vec![c[0] + rng.gen::<f32>() - 0.5, c[1] + rng.gen::<f32>() - 0.5]
            })
            .collect()
    }

    #[test]
    fn finds_separated_blobs() {
        let p = blobs();
        let km = kmeans(&p, 3, 7, 100);
        for i in 0..p.len() {
            for j in 0..p.len() {
                assert_eq!(km.assignment[i] == km.assignment[j], i % 3 == j % 3);
            }
        }
    }

    #[test]
    fn silhouette_prefers_the_true_number_of_blobs() {
        let p = blobs();
        let score = |k| silhouette(&p, &kmeans(&p, k, 7, 100).assignment, k);
        let (s2, s3, s5) = (score(2), score(3), score(5));
        assert!(s3 > 0.9, "{s3}");
        assert!(s3 > s2 && s3 > s5, "{s2} {s3} {s5}");
    }

    #[test]
    fn same_seed_same_clusters() {
        let p = blobs();
        assert_eq!(
            kmeans(&p, 4, 3, 50).assignment,
            kmeans(&p, 4, 3, 50).assignment
        );
    }
}
