//! Spike detection against a seasonal baseline (the same days of the week in the previous weeks) and week-over-week growth, on daily ticket counts.
//!
//! For every day `i` and every window length `w` (1, 3 and 7 days), the tickets `x` of the `w`
//! days ending on `i` are compared with the same window one, two, … `weeks` weeks earlier, whose
//! mean (the largest left out, so that a past incident does not hide a new one) is the expected
//! count `m`. The window is unusual when all of these hold:
//! - `x − m ≥ min_excess` tickets and `x ≥ min_ratio · m`: big enough to matter, also at a
//!   million tickets, where any wobble is statistically significant;
//! - the exact conditional test for two Poisson counts rejects "same rate": with `Y` the past
//!   windows' tickets over `K` weeks, `P(Bin(x + Y, 1/(K+1)) ≥ x) ≤ p_value`. It accounts for
//!   the noise in the baseline itself, so a sparse series with an unlucky quiet past does not
//!   make three tickets look like an incident.
//!
//! Comparing the same weekdays absorbs weekly seasonality; summing several days finds incidents of
//! a few extra tickets a day in sparse series. A day belongs to a spike when an unusual window
//! holds it and the day alone is at least two Poisson deviations above its own weekday baseline;
//! member days at most one day apart form one spike.

use chrono::NaiveDate;

/// How sensitive detection is.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeParams {
    /// Weeks of history the baseline reads (the same weekdays in each).
    pub weeks: usize,
    /// Fewest past weeks needed before a day can be judged.
    pub min_weeks: usize,
    /// Window lengths tested, in days.
    pub windows: Vec<usize>,
    /// Fewest tickets above the baseline a window must have.
    pub min_excess: f64,
    /// Smallest multiple of the baseline a window must reach.
    pub min_ratio: f64,
    /// Largest probability of a window this high if the rate had not changed.
    pub p_value: f64,
}

impl Default for SpikeParams {
    fn default() -> Self {
        SpikeParams {
            weeks: 6,
            min_weeks: 4,
            windows: vec![1, 3, 7],
            min_excess: 4.0,
            min_ratio: 1.5,
            p_value: 1e-6,
        }
    }
}

/// A run of consecutive unusual days.
#[derive(Debug, Clone, PartialEq)]
pub struct Spike {
    pub since: NaiveDate,
    pub until: NaiveDate,
    /// Tickets on the spike's days.
    pub tickets: i64,
    /// What the baseline expected on those days.
    pub expected: f64,
    /// The smallest p-value among the unusual windows that hold its days.
    pub p_value: f64,
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let a = C[1..]
        .iter()
        .enumerate()
        .fold(C[0], |a, (k, c)| a + c / (x + k as f64 + 1.0));
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// P(X ≥ k) for X ~ Binomial(n, q).
pub fn binomial_tail(k: u64, n: u64, q: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    let (nf, kf) = (n as f64, k as f64);
    let ln_pmf = ln_gamma(nf + 1.0) - ln_gamma(kf + 1.0) - ln_gamma(nf - kf + 1.0)
        + kf * q.ln()
        + (nf - kf) * (1.0 - q).ln();
    let mut term = ln_pmf.exp();
    let mut sum = term;
    let odds = q / (1.0 - q);
    for j in k..n {
        term *= (n - j) as f64 / (j + 1) as f64 * odds;
        sum += term;
        if term < sum * 1e-16 {
            break;
        }
    }
    sum.min(1.0)
}

/// Relative volume per weekday (index 0 = the weekday of `start`, mean 1): the shape of a
/// series' week, usually taken from all tickets so that sparse series borrow it.
pub fn weekday_profile(counts: &[i64], start: NaiveDate) -> [f64; 7] {
    let _ = start;
    let mut sums = [0.0; 7];
    for (i, &c) in counts.iter().enumerate() {
        sums[i % 7] += c.max(0) as f64;
    }
    let mean = sums.iter().sum::<f64>() / 7.0;
    if mean <= 0.0 {
        return [1.0; 7];
    }
    // A weekday never seen keeps a little weight, so one ticket on it is not infinitely unusual.
    sums.map(|v| (v / mean).max(0.05))
}

/// Running totals of counts and of weekday weights, so any range costs O(1).
struct Prefix {
    counts: Vec<f64>,
    weights: Vec<f64>,
}

impl Prefix {
    fn new(daily: &[f64], profile: &[f64; 7]) -> Self {
        let mut counts = vec![0.0];
        let mut weights = vec![0.0];
        for (i, v) in daily.iter().enumerate() {
            counts.push(counts[i] + v);
            weights.push(weights[i] + profile[i % 7]);
        }
        Prefix { counts, weights }
    }

    /// (tickets, weight) of days `from..to`.
    fn range(&self, from: usize, to: usize) -> (f64, f64) {
        (
            self.counts[to] - self.counts[from],
            self.weights[to] - self.weights[from],
        )
    }
}

/// What the days `from..to` are compared with: (tickets, weight) of the `weeks` weeks before
/// `from`, or None with fewer than `min_weeks` weeks of history.
fn reference(prefix: &Prefix, from: usize, p: &SpikeParams) -> Option<(f64, f64)> {
    if from < 7 * p.min_weeks {
        return None;
    }
    let begin = from.saturating_sub(7 * p.weeks);
    Some(prefix.range(begin, from))
}

/// The p-value of the days `from..to` against their reference, or None when they are not unusual.
fn unusual(prefix: &Prefix, from: usize, to: usize, p: &SpikeParams) -> Option<f64> {
    let (past, past_weight) = reference(prefix, from, p)?;
    let (x, weight) = prefix.range(from, to);
    let expected = past * weight / past_weight;
    if x - expected < p.min_excess || x < p.min_ratio * expected {
        return None;
    }
    let q = weight / (weight + past_weight);
    let pv = binomial_tail(x as u64, (x + past) as u64, q);
    (pv <= p.p_value).then_some(pv)
}

/// The spikes in `counts` (one count per day, the first on `start`), with the weekly shape
/// `profile` (see [`weekday_profile`]).
pub fn spikes(counts: &[i64], start: NaiveDate, profile: &[f64; 7], p: &SpikeParams) -> Vec<Spike> {
    let daily: Vec<f64> = counts.iter().map(|&c| c.max(0) as f64).collect();
    let prefix = Prefix::new(&daily, profile);
    let expected_on = |j: usize| {
        reference(&prefix, j, p).map(|(past, w)| past * profile[j % 7] / w.max(f64::MIN_POSITIVE))
    };
    let mut member: Vec<Option<f64>> = vec![None; daily.len()];
    for &w in &p.windows {
        let w = w.max(1);
        for to in w..=daily.len() {
            let from = to - w;
            let Some(pv) = unusual(&prefix, from, to, p) else {
                continue;
            };
            for j in from..to {
                let above = expected_on(j).is_some_and(|e| daily[j] - e >= 2.0 * e.max(1.0).sqrt());
                if above {
                    member[j] = Some(member[j].map_or(pv, |old: f64| old.min(pv)));
                }
            }
        }
    }
    let mut out: Vec<Spike> = Vec::new();
    let mut previous: Option<usize> = None;
    for (i, pv) in member.iter().enumerate() {
        let Some(pv) = *pv else { continue };
        let day = start + chrono::Duration::days(i as i64);
        let expected = expected_on(i).unwrap_or(0.0);
        match (previous, out.last_mut()) {
            (Some(prev), Some(s)) if i - prev <= 2 => {
                s.until = day;
                s.tickets += counts[i];
                s.expected += expected;
                s.p_value = s.p_value.min(pv);
            }
            _ => out.push(Spike {
                since: day,
                until: day,
                tickets: counts[i],
                expected,
                p_value: pv,
            }),
        }
        previous = Some(i);
    }
    out.retain(|s| s.tickets as f64 - s.expected >= p.min_excess);
    out
}

/// Whether weekly counts (oldest first) keep growing: each of the last `weeks` weeks above the one
/// before, and the last at least `factor` times the week `weeks` before it and at least `min` tickets.
pub fn keeps_growing(weekly: &[i64], weeks: usize, factor: f64, min: i64) -> bool {
    if weekly.len() <= weeks {
        return false;
    }
    let tail = &weekly[weekly.len() - weeks - 1..];
    let rising = tail.windows(2).all(|w| w[1] > w[0]);
    let last = tail[weeks];
    rising && last >= min && last as f64 >= factor * tail[0].max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn start() -> NaiveDate {
        "2026-01-05".parse().unwrap() // a Monday
    }

    /// Spikes with the series' own weekly shape and the default sensitivity.
    fn detect(s: &[i64]) -> Vec<Spike> {
        spikes(
            s,
            start(),
            &weekday_profile(s, start()),
            &SpikeParams::default(),
        )
    }

    /// 12 weeks of weekday-seasonal counts (busy Mondays, quiet weekends) with Poisson-like noise.
    fn seasonal(seed: u64, level: f64) -> Vec<i64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let shape = [1.4, 1.2, 1.0, 1.0, 0.9, 0.4, 0.3];
        (0..84)
            .map(|i| {
                let mean = level * shape[i % 7];
                // Normal approximation of a Poisson count.
                let noise: f64 = (0..12).map(|_| rng.gen::<f64>()).sum::<f64>() - 6.0;
                (mean + noise * mean.sqrt()).round().max(0.0) as i64
            })
            .collect()
    }

    #[test]
    fn quiet_seasonal_series_raise_nothing() {
        for seed in 0..40 {
            for level in [0.5, 3.0, 20.0, 200.0] {
                let s = seasonal(seed, level);
                let found = detect(&s);
                assert!(found.is_empty(), "seed {seed} level {level}: {found:?}");
            }
        }
    }

    #[test]
    fn an_injected_incident_is_found_with_its_days_and_size() {
        let mut s = seasonal(7, 10.0);
        // Three days from day 70 (a Monday) get 15 extra tickets each.
        for d in &mut s[70..73] {
            *d += 15;
        }
        let found = detect(&s);
        assert_eq!(found.len(), 1, "{found:?}");
        let spike = &found[0];
        assert_eq!(spike.since, start() + chrono::Duration::days(70));
        assert_eq!(spike.until, start() + chrono::Duration::days(72));
        assert!(spike.tickets as f64 - spike.expected > 35.0, "{spike:?}");
        assert!(spike.p_value <= 1e-6);
    }

    #[test]
    fn a_busy_monday_is_not_a_spike_but_a_busy_sunday_is() {
        // Flat weekdays of 10, weekends of 1; then a Monday and a Sunday of 20.
        let mut s: Vec<i64> = (0..56).map(|i| if i % 7 >= 5 { 1 } else { 10 }).collect();
        s[49] = 20; // Monday: 20 against 10, twice the usual but within a weekday's noise over Sat–Mon
        s[55] = 20; // Sunday: 20 against 1
        let found = detect(&s);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].since, start() + chrono::Duration::days(55));
    }

    #[test]
    fn a_few_extra_tickets_a_day_in_a_sparse_series_are_found() {
        // About one ticket every third day, then four days of four extra a day: found. One extra
        // a day is within what such a series does by chance.
        let quiet: Vec<i64> = (0..84).map(|i| i64::from(i % 3 == 0)).collect();
        let mut s = quiet.clone();
        for d in &mut s[60..64] {
            *d += 4;
        }
        let found = detect(&s);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].since, start() + chrono::Duration::days(60));
        assert_eq!(found[0].until, start() + chrono::Duration::days(63));
        let mut s = quiet;
        for d in &mut s[60..64] {
            *d += 1;
        }
        assert!(detect(&s).is_empty());
    }

    #[test]
    fn too_little_history_judges_nothing() {
        let s = vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50];
        assert!(detect(&s).is_empty());
    }

    #[test]
    fn binomial_tails_match_known_values() {
        // P(X >= 1) = 1 - (1 - q)^n.
        assert!((binomial_tail(1, 10, 0.1) - (1.0 - 0.9f64.powi(10))).abs() < 1e-12);
        // P(X >= 9) for Bin(10, 1/7): 10 (1/7)^9 (6/7) + (1/7)^10.
        let exact = 10.0 * (1.0f64 / 7.0).powi(9) * (6.0 / 7.0) + (1.0f64 / 7.0).powi(10);
        assert!((binomial_tail(9, 10, 1.0 / 7.0) / exact - 1.0).abs() < 1e-9);
        // A large n against the normal approximation's neighbourhood: P(Bin(1000, .5) >= 500).
        assert!((binomial_tail(500, 1000, 0.5) - 0.512_612).abs() < 1e-5);
        assert_eq!(binomial_tail(0, 5, 0.3), 1.0);
        assert_eq!(binomial_tail(6, 5, 0.3), 0.0);
    }

    #[test]
    fn growth_must_be_steady_and_large_enough() {
        assert!(keeps_growing(&[5, 5, 6, 9, 12, 15], 3, 1.5, 10));
        assert!(
            !keeps_growing(&[5, 5, 6, 9, 8, 15], 3, 1.5, 10),
            "a dip breaks the run"
        );
        assert!(
            !keeps_growing(&[1, 2, 3, 4], 3, 1.5, 10),
            "too small to matter"
        );
        assert!(!keeps_growing(&[20, 21, 22, 23], 3, 1.5, 10), "too slow");
        assert!(!keeps_growing(&[9, 12, 15], 3, 1.5, 10), "too short");
    }
}
