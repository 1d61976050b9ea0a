//! `ticketlens analyse --all`: queue every ticket without a result and analyse them, then the queued follow-up messages, in the foreground with a progress bar. Safe to kill: committed batches stay done, the rest is redone.

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
    /// Follow-up messages analysed after the tickets, and how long that took.
    pub messages: u64,
    pub message_seconds: f64,
}

/// Which queue a backfill lane drains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queue {
    Tickets,
    Messages,
}

/// Analyses every ticket without a result, then every queued follow-up message;
/// `progress(done, queued)` is called after each ticket batch.
pub async fn run(ctx: &JobContext, mut progress: impl FnMut(u64, u64)) -> anyhow::Result<Backfill> {
    db::jobs::enqueue_missing_analysis(&ctx.pool).await?;
    let counts = db::jobs::counts(&ctx.pool, ANALYSE).await?;
    let queued = (counts.queued + counts.running) as u64;
    let (analysed, seconds) = drain(ctx, Queue::Tickets, |n| progress(n, queued)).await?;
    let (messages, message_seconds) = drain(ctx, Queue::Messages, |_| {}).await?;
    Ok(Backfill {
        queued,
        analysed,
        seconds,
        messages,
        message_seconds,
    })
}

/// Empties one queue with two lanes; returns how many it analysed and the seconds it took.
async fn drain(
    ctx: &JobContext,
    queue: Queue,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<(u64, f64)> {
    let started = Instant::now();
    let analysed = Cell::new(0u64);
    let progress = RefCell::new(&mut progress);
    // Two lanes, as in the worker: one embeds while the other writes.
    let lane = || async {
        let mut engine = None;
        let mut failures = 0;
        loop {
            let step = match queue {
                Queue::Tickets => worker::analyse_step(ctx, &mut engine).await,
                Queue::Messages => worker::analyse_messages_step(ctx, &mut engine).await,
            };
            match step {
                Ok(0) => return anyhow::Ok(()),
                Ok(n) => {
                    analysed.set(analysed.get() + n as u64);
                    failures = 0;
                    let mut report = progress.borrow_mut();
                    (*report)(analysed.get());
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
    Ok((analysed.get(), started.elapsed().as_secs_f64()))
}
