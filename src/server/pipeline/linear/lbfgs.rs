//! A small, deterministic L-BFGS minimiser with a backtracking (Armijo) line search.

use std::collections::VecDeque;

/// When to stop.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub max_iterations: usize,
    /// Stop once the largest gradient component is at most this.
    pub gradient_tolerance: f64,
    /// Correction pairs kept.
    pub memory: usize,
}

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    pub iterations: usize,
    pub value: f64,
    /// True when the gradient tolerance was met (not the iteration limit or a stalled search).
    pub converged: bool,
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The L-BFGS direction `-H·g` from the stored `(s, y, 1 / y·s)` pairs (two-loop recursion).
fn direction(g: &[f64], history: &VecDeque<(Vec<f64>, Vec<f64>, f64)>) -> Vec<f64> {
    let mut q: Vec<f64> = g.to_vec();
    let mut alphas = Vec::with_capacity(history.len());
    for (s, y, rho) in history.iter().rev() {
        let a = rho * dot(s, &q);
        q.iter_mut().zip(y).for_each(|(qi, yi)| *qi -= a * yi);
        alphas.push(a);
    }
    let gamma = match history.back() {
        Some((s, y, _)) => dot(s, y) / dot(y, y).max(f64::MIN_POSITIVE),
        // No curvature yet: a first step of unit length.
        None => 1.0 / dot(g, g).sqrt().max(1.0),
    };
    q.iter_mut().for_each(|qi| *qi *= gamma);
    for ((s, y, rho), a) in history.iter().zip(alphas.into_iter().rev()) {
        let b = rho * dot(y, &q);
        q.iter_mut().zip(s).for_each(|(qi, si)| *qi += (a - b) * si);
    }
    q.iter_mut().for_each(|qi| *qi = -*qi);
    q
}

/// Minimises `f`, which returns the value at `x` and writes the gradient into its second
/// argument. Everything runs in a fixed order, so equal inputs give bit-identical results.
pub fn minimise(
    mut f: impl FnMut(&[f64], &mut [f64]) -> f64,
    mut x: Vec<f64>,
    settings: Settings,
) -> (Vec<f64>, Outcome) {
    let mut g = vec![0.0; x.len()];
    let mut fx = f(&x, &mut g);
    let mut history: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::new();
    let mut trial = vec![0.0; x.len()];
    let mut g_trial = vec![0.0; x.len()];
    let mut iterations = 0;
    let converged = loop {
        if g.iter().all(|v| v.abs() <= settings.gradient_tolerance) {
            break true;
        }
        if iterations >= settings.max_iterations {
            break false;
        }
        let mut d = direction(&g, &history);
        let mut slope = dot(&g, &d);
        if slope >= 0.0 || !slope.is_finite() {
            // Not a descent direction (numerical trouble): restart from steepest descent.
            history.clear();
            d = direction(&g, &history);
            slope = dot(&g, &d);
        }
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..50 {
            trial
                .iter_mut()
                .zip(x.iter().zip(&d))
                .for_each(|(t, (xi, di))| *t = xi + step * di);
            let f_trial = f(&trial, &mut g_trial);
            if f_trial.is_finite() && f_trial <= fx + 1e-4 * step * slope {
                accepted = Some(f_trial);
                break;
            }
            step *= 0.5;
        }
        let Some(f_new) = accepted else {
            break false; // the line search stalled: keep the best point so far
        };
        let s: Vec<f64> = trial.iter().zip(&x).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = g_trial.iter().zip(&g).map(|(a, b)| a - b).collect();
        let ys = dot(&y, &s);
        if ys > 1e-12 {
            if history.len() == settings.memory.max(1) {
                history.pop_front();
            }
            history.push_back((s, y, 1.0 / ys));
        }
        std::mem::swap(&mut x, &mut trial);
        std::mem::swap(&mut g, &mut g_trial);
        fx = f_new;
        iterations += 1;
    };
    let outcome = Outcome {
        iterations,
        value: fx,
        converged,
    };
    (x, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: Settings = Settings {
        max_iterations: 200,
        gradient_tolerance: 1e-8,
        memory: 5,
    };

    #[test]
    fn finds_the_minimum_of_a_skewed_quadratic() {
        // f = (x − 3)² + 10·(y + 1)² + x·y, minimum where 2(x − 3) + y = 0 and 20(y + 1) + x = 0.
        let f = |p: &[f64], g: &mut [f64]| {
            let (x, y) = (p[0], p[1]);
            g[0] = 2.0 * (x - 3.0) + y;
            g[1] = 20.0 * (y + 1.0) + x;
            (x - 3.0).powi(2) + 10.0 * (y + 1.0).powi(2) + x * y
        };
        let (p, out) = minimise(f, vec![0.0, 0.0], SETTINGS);
        // From the first equation y = 6 − 2x; then 20(7 − 2x) + x = 0 → x = 140 / 39.
        let x = 140.0 / 39.0;
        assert!(out.converged, "{out:?}");
        assert!(
            (p[0] - x).abs() < 1e-6 && (p[1] - (6.0 - 2.0 * x)).abs() < 1e-6,
            "{p:?}"
        );
    }

    #[test]
    fn minimises_rosenbrock() {
        let f = |p: &[f64], g: &mut [f64]| {
            let (a, b) = (p[0], p[1]);
            g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            g[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        };
        let (p, out) = minimise(
            f,
            vec![-1.2, 1.0],
            Settings {
                max_iterations: 500,
                ..SETTINGS
            },
        );
        assert!(
            (p[0] - 1.0).abs() < 1e-4 && (p[1] - 1.0).abs() < 1e-4,
            "{p:?} {out:?}"
        );
    }

    #[test]
    fn stops_at_the_iteration_limit() {
        let f = |p: &[f64], g: &mut [f64]| {
            g[0] = 2.0 * p[0];
            p[0] * p[0]
        };
        let (_, out) = minimise(
            f,
            vec![5.0],
            Settings {
                max_iterations: 0,
                ..SETTINGS
            },
        );
        assert_eq!((out.iterations, out.converged, out.value), (0, false, 25.0));
    }
}
