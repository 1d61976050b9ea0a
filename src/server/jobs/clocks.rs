//! Rules on SLA clocks fire as time passes: the worker runs them again on tickets whose clocks run, not only when a message arrives.

use super::JobContext;
use crate::server::db;

/// Tickets re-checked per step.
const BATCH: i64 = 500;
/// Steps per sweep: up to 20,000 running clocks are all read every minute.
const STEPS: usize = 40;

/// One sweep: steps from `cursor` until it wraps round (or `STEPS` are done, the rest waiting
/// for the next sweep); returns how many tickets it checked.
pub async fn sweep(ctx: &JobContext, cursor: &mut i64) -> anyhow::Result<usize> {
    let mut checked = 0;
    for _ in 0..STEPS {
        checked += recheck(ctx, cursor).await?;
        if *cursor == 0 {
            break;
        }
    }
    Ok(checked)
}

/// Runs the active rules again on the next `BATCH` open, never-escalated tickets whose first- or
/// next-response clock the rules watch, after ticket `cursor` (which moves on, wrapping round at
/// the end); returns how many it checked.
pub async fn recheck(ctx: &JobContext, cursor: &mut i64) -> anyhow::Result<usize> {
    let Some(rules) = ctx.rules.current(&ctx.pool).await? else {
        return Ok(0);
    };
    let (first, next) = rules.watched_clocks();
    if !first && !next {
        return Ok(0);
    }
    let ids = db::escalation_facts::clocks_running(&ctx.pool, first, next, *cursor, BATCH).await?;
    *cursor = match ids.last() {
        Some(last) if ids.len() as i64 == BATCH => *last,
        _ => 0,
    };
    if ids.is_empty() {
        return Ok(0);
    }
    let mut tx = ctx.pool.begin().await?;
    db::tickets::lock_for_analysis(&mut tx, &ids).await?;
    super::analyse_messages::escalate_conversations(ctx, &mut tx, &ids).await?;
    tx.commit().await?;
    Ok(ids.len())
}
