//! Class-based TF-IDF: the words and word pairs that set each cluster apart from the others.

use crate::server::pipeline::text;
use std::collections::HashMap;

/// Top `n` terms per cluster. A term's weight in cluster c is its frequency in c (over c's term
/// count) times ln(1 + A / f), where A is the mean number of terms per cluster and f the term's
/// frequency over all clusters. Terms are content words and pairs of neighbouring content words.
pub fn top_terms(texts: &[String], assignment: &[usize], k: usize, n: usize) -> Vec<Vec<String>> {
    let mut per_class: Vec<HashMap<String, f64>> = vec![HashMap::new(); k];
    let mut totals = vec![0f64; k];
    let mut overall: HashMap<String, f64> = HashMap::new();
    for (t, &c) in texts.iter().zip(assignment) {
        let words: Vec<String> = text::content_words(t).collect();
        let pairs = words.windows(2).map(|w| format!("{} {}", w[0], w[1]));
        for term in words.iter().cloned().chain(pairs) {
            *per_class[c].entry(term.clone()).or_default() += 1.0;
            *overall.entry(term).or_default() += 1.0;
            totals[c] += 1.0;
        }
    }
    let mean_terms = totals.iter().sum::<f64>() / k.max(1) as f64;
    per_class
        .into_iter()
        .zip(&totals)
        .map(|(counts, &total)| {
            let mut scored: Vec<(f64, String)> = counts
                .into_iter()
                // A term seen once says nothing about a cluster.
                .filter(|(_, count)| *count >= 2.0)
                .map(|(term, count)| {
                    let tf = count / total.max(1.0);
                    let idf = (1.0 + mean_terms / overall[&term]).ln();
                    (tf * idf, term)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            scored.into_iter().take(n).map(|(_, t)| t).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_shared_by_every_cluster_rank_below_distinctive_ones() {
        let texts: Vec<String> = [
            "refund order refund missing",
            "refund late order",
            "password login order reset",
            "login password locked order",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let top = top_terms(&texts, &[0, 0, 1, 1], 2, 2);
        // "order" is as frequent in cluster 1 as "login", but common to both clusters.
        assert_eq!(top[0], ["refund".to_string(), "order".to_string()]);
        assert_eq!(top[1][..2], ["login".to_string(), "password".to_string()]);
    }
}
