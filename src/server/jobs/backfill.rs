//! `ticketlens analyse --all`: queue every ticket without a result and analyse them in the foreground with a progress bar. Safe to kill: committed batches stay done, the rest is redone.

use super::{worker, JobContext, ANALYSE};
use crate::server::db;
use std::cell::{Cell, RefCell};
use std::time::Instant;

/// What a backfill did.
#[derive(Debug, Clone, Copy)]
pub struct Backfill {
    pub queued: u64,
    pub analysed: u64,
    pub seconds: f64,
}

/// Analyses every ticket without a result; `progress(n)` is called after each batch.
pub async fn run(ctx: &JobContext, mut progress: impl FnMut(u64, u64)) -> anyhow::Result<Backfill> {
    db::jobs::enqueue_missing_analysis(&ctx.pool).await?;
    let counts = db::jobs::counts(&ctx.pool, ANALYSE).await?;
    let queued = (counts.queued + counts.running) as u64;
    let started = Instant::now();
    let analysed = Cell::new(0u64);
    let progress = RefCell::new(&mut progress);
    // Two lanes, as in the worker: one embeds while the other writes.
    let lane = || async {
        let mut engine = None;
        let mut failures = 0;
        loop {
            match worker::analyse_step(ctx, &mut engine).await {
                Ok(0) => return anyhow::Ok(()),
                Ok(n) => {
                    analysed.set(analysed.get() + n as u64);
                    failures = 0;
                    let mut report = progress.borrow_mut();
                    (*report)(analysed.get(), queued);
                }
                Err(e) => {
                    failures += 1;
                    if failures >= 3 {
                        return Err(e.context("analysis keeps failing; the rest stays queued"));
                    }
                }
            }
        }
    };
    let (first, second) = tokio::join!(lane(), lane());
    first.and(second)?;
    Ok(Backfill {
        queued,
        analysed: analysed.get(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
