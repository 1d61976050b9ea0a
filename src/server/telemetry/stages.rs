//! Time spent in each stage of ticket analysis, summed since the process started, for `/metrics`
//! and `ticketlens bench analyse`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of the analysis of a batch of tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Claiming jobs and reading the tickets' texts.
    Read,
    /// Texts to token ids.
    Tokenise,
    /// The embedding model's forward passes.
    Infer,
    /// Sentiment scoring.
    Sentiment,
    /// Writing vectors (HNSW insert) and analysis rows, with the rollup triggers they fire.
    Store,
    /// The active category model's predictions and their rows.
    Categorise,
    /// Escalation rules and their rows.
    Escalate,
    /// Follow-up jobs queued, job rows completed, and the commit.
    Finish,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Read,
        Stage::Tokenise,
        Stage::Infer,
        Stage::Sentiment,
        Stage::Store,
        Stage::Categorise,
        Stage::Escalate,
        Stage::Finish,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Tokenise => "tokenise",
            Stage::Infer => "infer",
            Stage::Sentiment => "sentiment",
            Stage::Store => "store",
            Stage::Categorise => "categorise",
            Stage::Escalate => "escalate",
            Stage::Finish => "finish",
        }
    }
}

struct Counter {
    nanos: AtomicU64,
    calls: AtomicU64,
}

static STAGES: [Counter; 8] = [const {
    Counter {
        nanos: AtomicU64::new(0),
        calls: AtomicU64::new(0),
    }
}; 8];
static TICKETS: AtomicU64 = AtomicU64::new(0);

/// Adds `elapsed` to `stage`.
pub fn record(stage: Stage, elapsed: Duration) {
    let c = &STAGES[stage as usize];
    let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
    c.nanos.fetch_add(nanos, Ordering::Relaxed);
    c.calls.fetch_add(1, Ordering::Relaxed);
}

/// Times `f` as `stage`.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    record(stage, start.elapsed());
    out
}

/// Counts tickets whose analysis was committed.
pub fn analysed(n: usize) {
    TICKETS.fetch_add(n as u64, Ordering::Relaxed);
}

/// One stage's totals.
#[derive(Debug, Clone, Copy)]
pub struct StageTotal {
    pub stage: Stage,
    pub seconds: f64,
    pub calls: u64,
}

/// Every stage's totals, in pipeline order, and the tickets analysed.
pub fn snapshot() -> (Vec<StageTotal>, u64) {
    let totals = Stage::ALL
        .iter()
        .map(|&stage| {
            let c = &STAGES[stage as usize];
            StageTotal {
                stage,
                seconds: c.nanos.load(Ordering::Relaxed) as f64 / 1e9,
                calls: c.calls.load(Ordering::Relaxed),
            }
        })
        .collect();
    (totals, TICKETS.load(Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::{record, snapshot, Stage};
    use std::time::Duration;

    #[test]
    fn recorded_time_adds_up_per_stage() {
        let before = snapshot().0[Stage::Escalate as usize];
        record(Stage::Escalate, Duration::from_millis(1500));
        record(Stage::Escalate, Duration::from_millis(500));
        let after = snapshot().0[Stage::Escalate as usize];
        assert_eq!(after.stage, Stage::Escalate);
        assert!(after.seconds - before.seconds >= 2.0 - 1e-9);
        assert!(after.calls - before.calls >= 2);
    }
}
