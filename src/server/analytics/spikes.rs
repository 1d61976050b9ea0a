//! Spike detection against a seasonal baseline (the same days of the week in the previous weeks, robust z-score) and week-over-week growth, on daily ticket counts.
//!
//! The tickets of the `window` days ending on day `i` are unusual when their sum `x` exceeds the
//! median `m` of the same window one, two, … `weeks` weeks earlier by at least `min_excess`
//! tickets and by `z` robust deviations, where the deviation is `max(1.4826 · MAD, √max(m, 1))`:
//! the MAD of those past windows, floored by the Poisson noise of a count of that size so that a
//! quiet, flat series cannot make one extra ticket look like a spike. Summing a few days finds
//! incidents of a few extra tickets a day in sparse series; comparing the same weekdays absorbs
//! weekly seasonality. Overlapping unusual windows form one spike, trimmed to the days that were
//! above their own weekday median.

use chrono::NaiveDate;

/// How sensitive detection is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeParams {
    /// Weeks of history the baseline reads (the same weekday in each).
    pub weeks: usize,
    /// Fewest past weeks needed before a day can be judged.
    pub min_weeks: usize,
    /// Days summed per test.
    pub window: usize,
    /// Robust z-score a day must reach.
    pub z: f64,
    /// Fewest tickets above the baseline a window must have.
    pub min_excess: f64,
    /// Largest Poisson probability of a window this high at the baseline's rate.
    pub p_value: f64,
}

impl Default for SpikeParams {
    fn default() -> Self {
        SpikeParams {
            weeks: 6,
            min_weeks: 4,
            window: 3,
            z: 4.0,
            min_excess: 4.0,
            p_value: 1e-5,
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
    /// The largest robust z-score among its days.
    pub peak_z: f64,
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// (median, deviation) of `values` at `i` − 7, − 14, … (up to `weeks` weeks back), or None
/// with fewer than `min_weeks` of them.
fn baseline(values: &[f64], i: usize, p: &SpikeParams) -> Option<(f64, f64)> {
    let mut past: Vec<f64> = (1..=p.weeks)
        .filter_map(|w| i.checked_sub(7 * w))
        .map(|j| values[j])
        .collect();
    if past.len() < p.min_weeks {
        return None;
    }
    let m = median(&mut past);
    let mut deviations: Vec<f64> = past.iter().map(|v| (v - m).abs()).collect();
    let mad = median(&mut deviations);
    Some((m, (1.4826 * mad).max(m.max(1.0).sqrt())))
}

/// P(X ≥ x) for X ~ Poisson(λ), summed in log space.
pub fn poisson_tail(x: f64, lambda: f64) -> f64 {
    let k_max = x.ceil() as i64;
    if k_max <= 0 {
        return 1.0;
    }
    // 1 − P(X ≤ k_max − 1).
    let mut term = (-lambda).exp();
    let mut cdf = term;
    for k in 1..k_max {
        term *= lambda / k as f64;
        cdf += term;
    }
    (1.0 - cdf).max(0.0)
}

/// The spikes in `counts` (one count per day, the first on `start`).
pub fn spikes(counts: &[i64], start: NaiveDate, p: &SpikeParams) -> Vec<Spike> {
    let w = p.window.max(1);
    let daily: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
    // sums[i]: the window ending on day i (shorter at the very start).
    let sums: Vec<f64> = (0..daily.len())
        .map(|i| daily[i.saturating_sub(w - 1)..=i].iter().sum())
        .collect();
    let unusual: Vec<Option<f64>> = (0..daily.len())
        .map(|i| {
            let (m, dev) = baseline(&sums, i, p)?;
            let excess = sums[i] - m;
            let z = excess / dev;
            let rare = poisson_tail(sums[i], m.max(0.5)) <= p.p_value;
            (i + 1 >= w && excess >= p.min_excess && z >= p.z && rare).then_some(z)
        })
        .collect();
    // A day belongs to a spike when a window holding it is unusual and the day itself is above
    // its weekday's median.
    let mut member: Vec<Option<f64>> = vec![None; daily.len()];
    for (i, z) in unusual.iter().enumerate() {
        let Some(z) = *z else { continue };
        for j in i + 1 - w..=i {
            let above = baseline(&daily, j, p).is_some_and(|(m, dev)| daily[j] - m >= 2.0 * dev);
            if above {
                member[j] = Some(member[j].map_or(z, |old: f64| old.max(z)));
            }
        }
    }
    let mut out: Vec<Spike> = Vec::new();
    let mut previous: Option<usize> = None;
    for (i, z) in member.iter().enumerate() {
        let Some(z) = *z else { continue };
        let day = start + chrono::Duration::days(i as i64);
        let expected = baseline(&daily, i, p).map_or(0.0, |b| b.0);
        // Days of one incident may be a day apart when a quiet day sits inside it.
        match (previous, out.last_mut()) {
            (Some(prev), Some(s)) if i - prev <= 2 => {
                s.until = day;
                s.tickets += counts[i];
                s.expected += expected;
                s.peak_z = s.peak_z.max(z);
            }
            _ => out.push(Spike {
                since: day,
                until: day,
                tickets: counts[i],
                expected,
                peak_z: z,
            }),
        }
        previous = Some(i);
    }
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
                let found = spikes(&s, start(), &SpikeParams::default());
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
        let found = spikes(&s, start(), &SpikeParams::default());
        assert_eq!(found.len(), 1, "{found:?}");
        let spike = &found[0];
        assert_eq!(spike.since, start() + chrono::Duration::days(70));
        assert_eq!(spike.until, start() + chrono::Duration::days(72));
        assert!(spike.tickets as f64 - spike.expected > 35.0, "{spike:?}");
        assert!(spike.peak_z >= 4.0);
    }

    #[test]
    fn a_busy_monday_is_not_a_spike_but_a_busy_sunday_is() {
        // Flat weekdays of 10, weekends of 1; then a Monday and a Sunday of 20.
        let mut s: Vec<i64> = (0..56).map(|i| if i % 7 >= 5 { 1 } else { 10 }).collect();
        s[49] = 20; // Monday: 20 against 10, twice the usual but within a weekday's noise over Sat–Mon
        s[55] = 20; // Sunday: 20 against 1
        let found = spikes(&s, start(), &SpikeParams::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].since, start() + chrono::Duration::days(55));
    }

    #[test]
    fn a_few_extra_tickets_a_day_in_a_sparse_series_are_found() {
        // About one ticket every third day, then four days of three extra a day.
        let mut s: Vec<i64> = (0..84).map(|i| i64::from(i % 3 == 0)).collect();
        for d in &mut s[60..64] {
            *d += 3;
        }
        let found = spikes(&s, start(), &SpikeParams::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].since, start() + chrono::Duration::days(60));
        assert_eq!(found[0].until, start() + chrono::Duration::days(63));
    }

    #[test]
    fn too_little_history_judges_nothing() {
        let s = vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50];
        assert!(spikes(&s, start(), &SpikeParams::default()).is_empty());
    }

    #[test]
    fn poisson_tails_match_known_values() {
        assert!((poisson_tail(1.0, 2.0) - (1.0 - (-2.0f64).exp())).abs() < 1e-12);
        assert!((poisson_tail(7.0, 0.5) - 1.0e-6).abs() < 0.1e-6);
        assert_eq!(poisson_tail(0.0, 3.0), 1.0);
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
