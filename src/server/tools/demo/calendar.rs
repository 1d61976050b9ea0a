//! When tickets arrive: weekly, daily and yearly seasonality, growth trend, and weighted sampling.

use super::catalog::cat;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::Rng;

/// Days of history, ending at (and including) the configured end date.
pub(crate) const HISTORY_DAYS: i64 = 365;

/// Relative volume per hour of day (UTC): quiet nights, peaks late morning and early afternoon.
const HOUR_WEIGHTS: [f64; 24] = [
    0.15, 0.10, 0.08, 0.08, 0.10, 0.20, 0.40, 0.80, 1.40, 2.00, 2.50, 2.60, 2.00, 2.40, 2.50, 2.20,
    1.80, 1.40, 1.00, 0.80, 0.60, 0.45, 0.30, 0.20,
];

/// Cumulative weights; sampling is a binary search, so it costs the same for 10 or 365 entries.
#[derive(Debug, Clone)]
pub(crate) struct Cdf {
    cumulative: Vec<f64>,
}

impl Cdf {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Cdf { cumulative }
    }

    /// An index drawn in proportion to its weight.
    pub fn sample(&self, rng: &mut impl Rng) -> usize {
        self.at(rng.gen::<f64>())
    }

    /// The index at quantile `u` (0 <= u < 1): a weighted draw from a given uniform number.
    pub fn at(&self, u: f64) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let i = self.cumulative.partition_point(|&c| c <= u * total);
        i.min(self.cumulative.len().saturating_sub(1))
    }
}

/// An index drawn in proportion to `weights` (linear scan, for short fixed tables).
pub(crate) fn pick(rng: &mut impl Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

/// First day of the history window.
pub(crate) fn first_day(end: NaiveDate) -> NaiveDate {
    end - Duration::days(HISTORY_DAYS - 1)
}

/// Weekday factor: weekends get about half a weekday's tickets, Fridays a little less.
pub(crate) fn weekday_factor(day: NaiveDate) -> f64 {
    match day.weekday() {
        Weekday::Mon => 1.08,
        Weekday::Tue => 1.04,
        Weekday::Wed => 1.0,
        Weekday::Thu => 0.98,
        Weekday::Fri => 0.9,
        Weekday::Sat => 0.52,
        Weekday::Sun => 0.46,
    }
}

/// Yearly shape: holiday rush in late November and December, returns in January, quiet summer.
fn season_factor(day: NaiveDate) -> f64 {
    match (day.month(), day.day()) {
        (11, d) if d >= 24 => 1.2,
        (12, _) => 1.15,
        (1, d) if d <= 10 => 1.1,
        (7, _) | (8, _) => 0.92,
        _ => 1.0,
    }
}

/// Relative ticket volume of day `index` (0 = first day): seasonality times a mild growth trend.
pub(crate) fn day_weight(end: NaiveDate, index: i64) -> f64 {
    let day = first_day(end) + Duration::days(index);
    let trend = 1.0 + 0.3 * index as f64 / (HISTORY_DAYS - 1) as f64;
    weekday_factor(day) * season_factor(day) * trend
}

/// Sampler over the days of the history window.
pub(crate) fn day_sampler(end: NaiveDate) -> Cdf {
    Cdf::new((0..HISTORY_DAYS).map(|i| day_weight(end, i)))
}

/// Sampler over the hours of a day.
pub(crate) fn hour_sampler() -> Cdf {
    Cdf::new(HOUR_WEIGHTS)
}

/// How much a category's share changes on `day`: parcels in the holiday rush, refunds after it.
pub(crate) fn category_season(day: NaiveDate, category: usize) -> f64 {
    match (category, day.month(), day.day()) {
        (cat::SHIPPING, 11, d) if d >= 20 => 1.8,
        (cat::SHIPPING, 12, d) if d <= 24 => 1.8,
        (cat::REFUND, 12, d) if d >= 26 => 1.4,
        (cat::REFUND, 1, d) if d <= 15 => 1.4,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn weekends_are_about_half_a_weekday() {
        let end = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap_or_default();
        let (mut weekday, mut weekend) = (0.0, 0.0);
        for i in 0..HISTORY_DAYS {
            let day = first_day(end) + Duration::days(i);
            match day.weekday() {
                Weekday::Sat | Weekday::Sun => weekend += day_weight(end, i) / 2.0,
                _ => weekday += day_weight(end, i) / 5.0,
            }
        }
        let ratio = weekend / weekday;
        assert!((0.4..=0.6).contains(&ratio), "{ratio}");
    }

    #[test]
    fn samplers_follow_their_weights() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let cdf = Cdf::new([1.0, 0.0, 3.0]);
        let mut counts = [0usize; 3];
        for _ in 0..4000 {
            counts[cdf.sample(&mut rng)] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!(counts[2] > 2 * counts[0], "{counts:?}");
        let mut counts = [0usize; 3];
        for _ in 0..4000 {
            counts[pick(&mut rng, &[0.0, 1.0, 1.0])] += 1;
        }
        assert_eq!(counts[0], 0);
        assert!(counts[1] > 1500 && counts[2] > 1500, "{counts:?}");
    }
}
