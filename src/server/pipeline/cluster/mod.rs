//! Groups tickets by their embeddings: k-means with k chosen by silhouette, a PCA plane to draw them on, and each cluster's top terms.

pub mod kmeans;
pub mod pca;
pub mod terms;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Points scored for the silhouette (it costs O(n²)).
const SILHOUETTE_SAMPLE: usize = 1500;
/// Top terms kept per cluster.
pub const TOP_TERMS: usize = 8;
const SEED: u64 = 42;
const MAX_ITER: usize = 60;

/// How k is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KChoice {
    /// The best silhouette for k in this inclusive range.
    Silhouette { min: usize, max: usize },
    /// The admin's k.
    Fixed(usize),
}

/// The clustering of a set of tickets.
#[derive(Debug, Clone)]
pub struct Clustering {
    pub k: usize,
    /// Silhouette of each k tried (for a fixed k, that k alone).
    pub scores: Vec<(usize, f64)>,
    pub assignment: Vec<usize>,
    /// Each point's distance to its centroid.
    pub distance: Vec<f32>,
    /// Each point on the PCA plane.
    pub xy: Vec<(f32, f32)>,
    pub explained: [f32; 2],
    pub top_terms: Vec<Vec<String>>,
}

/// Clusters `points` (embeddings) whose texts are `texts`. Needs more points than the largest k.
pub fn cluster(
    points: &[Vec<f32>],
    texts: &[String],
    choice: KChoice,
) -> anyhow::Result<Clustering> {
    anyhow::ensure!(points.len() == texts.len(), "one text per point");
    let (min, max) = match choice {
        KChoice::Silhouette { min, max } => (min.max(2), max),
        KChoice::Fixed(k) => (k, k),
    };
    anyhow::ensure!(
        min >= 1 && min <= max,
        "k must be at least 1 (and min ≤ max)"
    );
    anyhow::ensure!(
        points.len() > max,
        "{} tickets are too few for {max} clusters",
        points.len()
    );
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(SEED));
    let sample: Vec<usize> = order.into_iter().take(SILHOUETTE_SAMPLE).collect();
    let sample_points: Vec<Vec<f32>> = sample.iter().map(|&i| points[i].clone()).collect();
    let mut best: Option<(f64, kmeans::KMeans, usize)> = None;
    let mut scores = Vec::new();
    for k in min..=max {
        let km = kmeans::kmeans(points, k, SEED, MAX_ITER);
        let sample_assign: Vec<usize> = sample.iter().map(|&i| km.assignment[i]).collect();
        let s = kmeans::silhouette(&sample_points, &sample_assign, k);
        scores.push((k, s));
        if best.as_ref().is_none_or(|(b, _, _)| s > *b) {
            best = Some((s, km, k));
        }
    }
    let (_, km, k) = best.expect("at least one k");
    let distance = points
        .iter()
        .zip(&km.assignment)
        .map(|(p, &c)| kmeans::dist2(p, &km.centroids[c]).sqrt())
        .collect();
    let projection = pca::fit(points);
    let xy = points.iter().map(|p| projection.project(p)).collect();
    let top_terms = terms::top_terms(texts, &km.assignment, k, TOP_TERMS);
    Ok(Clustering {
        k,
        scores,
        assignment: km.assignment,
        distance,
        xy,
        explained: projection.explained,
        top_terms,
    })
}
