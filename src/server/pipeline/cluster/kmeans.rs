//! k-means (k-means++ seeding, Lloyd iterations) and the silhouette score that picks k.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Squared Euclidean distance.
pub fn dist2(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
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
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut centroids = seed_plus_plus(points, k, &mut rng);
    let mut assignment = vec![usize::MAX; points.len()];
    for _ in 0..max_iter {
        let mut changed = false;
        for (i, p) in points.iter().enumerate() {
            let best = nearest(&centroids, p).0;
            if assignment[i] != best {
                assignment[i] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        centroids = means(points, &assignment, k, &centroids);
    }
    let inertia = points
        .iter()
        .zip(&assignment)
        .map(|(p, &c)| dist2(p, &centroids[c]) as f64)
        .sum();
    KMeans {
        centroids,
        assignment,
        inertia,
    }
}

/// The nearest centroid's index and squared distance.
pub fn nearest(centroids: &[Vec<f32>], p: &[f32]) -> (usize, f32) {
    centroids
        .iter()
        .enumerate()
        .map(|(c, m)| (c, dist2(p, m)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .expect("at least one centroid")
}

fn seed_plus_plus(points: &[Vec<f32>], k: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f32>> {
    let mut centroids = vec![points[rng.gen_range(0..points.len())].clone()];
    let mut d: Vec<f32> = points.iter().map(|p| dist2(p, &centroids[0])).collect();
    while centroids.len() < k {
        let total: f64 = d.iter().map(|&v| v as f64).sum();
        let pick = if total <= 0.0 {
            rng.gen_range(0..points.len())
        } else {
            let mut target = rng.gen::<f64>() * total;
            let mut chosen = points.len() - 1;
            for (i, &v) in d.iter().enumerate() {
                target -= v as f64;
                if target <= 0.0 {
                    chosen = i;
                    break;
                }
            }
            chosen
        };
        let c = points[pick].clone();
        for (i, p) in points.iter().enumerate() {
            d[i] = d[i].min(dist2(p, &c));
        }
        centroids.push(c);
    }
    centroids
}

fn means(points: &[Vec<f32>], assignment: &[usize], k: usize, old: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let dims = points[0].len();
    let mut sums = vec![vec![0f64; dims]; k];
    let mut counts = vec![0usize; k];
    for (p, &c) in points.iter().zip(assignment) {
        counts[c] += 1;
        for (s, v) in sums[c].iter_mut().zip(p) {
            *s += *v as f64;
        }
    }
    let mut out: Vec<Vec<f32>> = sums
        .into_iter()
        .zip(&counts)
        .map(|(s, &n)| {
            s.into_iter()
                .map(|v| (v / n.max(1) as f64) as f32)
                .collect()
        })
        .collect();
    for c in 0..k {
        if counts[c] == 0 {
            // Re-seed an empty cluster with the point farthest from its current centroid.
            let far = points
                .iter()
                .zip(assignment)
                .max_by(|a, b| dist2(a.0, &old[*a.1]).total_cmp(&dist2(b.0, &old[*b.1])))
                .map(|(p, _)| p.clone())
                .expect("points");
            out[c] = far;
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
    let mut total = 0.0;
    let mut sums = vec![0f64; k];
    let mut counts = vec![0usize; k];
    for &c in assignment {
        counts[c] += 1;
    }
    for i in 0..n {
        sums.iter_mut().for_each(|s| *s = 0.0);
        for j in 0..n {
            if i != j {
                sums[assignment[j]] += (dist2(&points[i], &points[j]) as f64).sqrt();
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
