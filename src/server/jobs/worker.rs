//! The worker loop: analyses new tickets and drafts their replies, runs queued evaluations and training, and sends webhook deliveries and e-mail, until shutdown.

use super::alerts::{self, DETECT};
use super::categorise::{self, RECATEGORISE};
use super::clocks;
use super::cluster::{self, CLUSTER};
use super::draft;
use super::quality::{self, CHECK_QUALITY};
use super::rescore::{self, RESCORE};
use super::train_category::{self, TRAIN_CATEGORY};
use super::{
    analyse, analyse_messages, evaluate, train, JobContext, EVALUATE, LEASE, RETRY_BASE, TRAIN,
};
use crate::domain::EngineChoice;
use crate::server::db;
use crate::server::db::rollups::catch_up;
use crate::server::pipeline::category::CategoryEngine;
use crate::server::pipeline::sentiment::engine::{self, Engine};
use futures::FutureExt;
use std::future::Future;
use std::time::Duration;

/// How long an idle worker waits before looking for work again.
const IDLE: Duration = Duration::from_millis(500);
/// How often the worker takes SLA steps and hands waiting escalations to available agents.
const ASSIGN_EVERY: Duration = Duration::from_secs(2);
/// How often the worker looks for rollups an import left pending.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// Pending this long, a ticket's import is taken to have died before its catch-up (a running
/// import catches up when its writers finish; one running longer is only caught up early).
pub const STALE_PENDING: Duration = Duration::from_secs(300);

/// Long jobs someone is waiting for on a page: training and evaluation runs.
const INTERACTIVE: [&str; 3] = [TRAIN, EVALUATE, TRAIN_CATEGORY];
/// Long jobs nobody waits for: re-categorising or rescoring every ticket, clustering, alert
/// detection.
const BACKGROUND: [&str; 4] = [RECATEGORISE, RESCORE, CLUSTER, DETECT];
/// Data-quality checks: their cross-validation takes a while and must not hold up the alerts.
const CHECKS: [&str; 1] = [CHECK_QUALITY];

/// Runs jobs until `shutdown` completes, in four loops: ticket analysis and drafts, interactive
/// long jobs, background long jobs, data-quality checks. An evaluation then waits neither behind
/// a large import nor behind a clustering run, and alerts not behind a quality check.
pub async fn run(ctx: JobContext, shutdown: impl Future<Output = ()>) {
    let shutdown = shutdown.shared();
    tokio::join!(
        analysis_loop(&ctx, shutdown.clone()),
        long_job_loop(&ctx, &INTERACTIVE, shutdown.clone()),
        long_job_loop(&ctx, &BACKGROUND, shutdown.clone()),
        long_job_loop(&ctx, &CHECKS, shutdown.clone()),
        outbox_loop(&ctx, shutdown.clone()),
        team_loop(&ctx, shutdown.clone()),
        sweep_loop(&ctx, shutdown)
    );
}

/// Brings up to date the rollups of tickets an import wrote but could not catch up on (it
/// crashed or lost its connection), and runs the rules on SLA clocks again as time passes.
async fn sweep_loop(ctx: &JobContext, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut cursor = 0;
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = async { sweep_rollups(ctx).await; recheck_clocks(ctx, &mut cursor).await } => {}
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(SWEEP_EVERY) => {}
        }
    }
}

/// Every few seconds: takes the SLA steps that came due (warnings, breaches, with their
/// notifications), and hands waiting escalations to available agents under their queues'
/// policies (new escalations, agents coming back, capacity freed by a resolve).
async fn team_loop(ctx: &JobContext, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = async { sla_step(ctx).await; assign_step(ctx).await } => {}
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(ASSIGN_EVERY) => {}
        }
    }
}

/// One SLA sweep; returns how many steps it took.
async fn sla_step(ctx: &JobContext) -> usize {
    let mail = ctx.mailer.as_ref().map(|m| &m.settings);
    match super::sla_sweep::sweep(&ctx.pool, mail).await {
        Ok(s) => s.warned + s.breached,
        Err(e) => {
            tracing::error!(error = ?e, "SLA sweep failed");
            0
        }
    }
}

/// One assignment pass; returns how many tickets it assigned.
async fn assign_step(ctx: &JobContext) -> usize {
    match crate::server::pipeline::escalation::assign::assign_all(&ctx.pool).await {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = ?e, "assigning escalations failed");
            0
        }
    }
}

/// Runs the rules again on tickets whose SLA clocks run; returns how many it checked.
async fn recheck_clocks(ctx: &JobContext, cursor: &mut i64) -> usize {
    match clocks::sweep(ctx, cursor).await {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = ?e, "SLA clock check failed");
            0
        }
    }
}

/// Refreshes tickets pending longer than [`STALE_PENDING`]; returns how many.
async fn sweep_rollups(ctx: &JobContext) -> u64 {
    match catch_up::catch_up(&ctx.pool, STALE_PENDING).await {
        Ok(n) => {
            if n > 0 {
                tracing::info!(tickets = n, "caught up the rollups an import left behind");
            }
            n
        }
        Err(e) => {
            tracing::error!(error = ?e, "rollup catch-up failed");
            0
        }
    }
}

/// Sends webhook deliveries and e-mail, apart from the analysis so a slow receiver holds up
/// nothing else.
async fn outbox_loop(ctx: &JobContext, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let busy = tokio::select! {
            _ = &mut shutdown => return,
            n = outbox_step(ctx) => n > 0,
        };
        if !busy {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(IDLE) => {}
            }
        }
    }
}

/// Analysis runs in two lanes, each claiming its own batches: while one lane's batch is in the
/// embedding model, the other's results are written, so neither the CPU nor the database waits.
async fn analysis_loop(ctx: &JobContext, shutdown: impl Future<Output = ()> + Clone) {
    tokio::join!(
        analysis_lane(ctx, shutdown.clone()),
        analysis_lane(ctx, shutdown)
    );
}

async fn analysis_lane(ctx: &JobContext, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut engine = None;
    loop {
        let busy = tokio::select! {
            _ = &mut shutdown => return,
            done = pipeline_step(ctx, &mut engine) => match done {
                Ok(n) => n > 0,
                Err(e) => {
                    tracing::error!(error = ?e, "ticket analysis failed");
                    false
                }
            },
        };
        if !busy {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(IDLE) => {}
            }
        }
    }
}

async fn long_job_loop(ctx: &JobContext, kinds: &[&str], shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let busy = tokio::select! {
            _ = &mut shutdown => return,
            busy = long_jobs(ctx, kinds) => busy,
        };
        if !busy {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(IDLE) => {}
            }
        }
    }
}

/// Runs one queued job of the first of `kinds` that has one; returns whether there was one.
async fn long_jobs(ctx: &JobContext, kinds: &[&str]) -> bool {
    for &kind in kinds {
        match long_job(ctx, kind).await {
            Ok(true) => return true,
            Ok(false) => {}
            Err(e) => tracing::error!(error = ?e, kind, "could not claim a job"),
        }
    }
    false
}

/// Analyses a batch of new tickets, else of new follow-up messages, else drafts replies for a
/// batch of analysed tickets; returns how many it handled.
async fn pipeline_step(
    ctx: &JobContext,
    cached: &mut Option<(EngineChoice, Engine)>,
) -> anyhow::Result<usize> {
    match analyse_step(ctx, cached).await? {
        0 => {}
        n => return Ok(n),
    }
    match analyse_messages_step(ctx, cached).await? {
        0 => draft::run_batch(ctx).await,
        n => Ok(n),
    }
}

/// Does one unit of work; returns whether there was any.
pub async fn step(ctx: &JobContext, cached: &mut Option<(EngineChoice, Engine)>) -> bool {
    match pipeline_step(ctx, cached).await {
        Ok(0) => {}
        Ok(_) => return true,
        Err(e) => {
            tracing::error!(error = ?e, "ticket analysis failed");
            return true;
        }
    }
    if long_jobs(ctx, &INTERACTIVE).await
        || long_jobs(ctx, &BACKGROUND).await
        || long_jobs(ctx, &CHECKS).await
    {
        return true;
    }
    outbox_step(ctx).await > 0
        || sweep_rollups(ctx).await > 0
        || sla_step(ctx).await > 0
        || assign_step(ctx).await > 0
}

/// Sends one batch of webhook deliveries and one of e-mail; returns how many it handled
/// (failures are logged, and retried by the outboxes themselves).
async fn outbox_step(ctx: &JobContext) -> usize {
    let mut handled = match ctx.webhooks.step(&ctx.pool).await {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = ?e, "webhook delivery step failed");
            0
        }
    };
    if let Some(mailer) = &ctx.mailer {
        match mailer.step(&ctx.pool).await {
            Ok(n) => handled += n,
            Err(e) => tracing::error!(error = ?e, "e-mail step failed"),
        }
    }
    handled
}

/// Runs `work` while renewing job `job_id`'s lease every third of it, so a long tuning or
/// rescore is not taken over by another worker while it is still running.
async fn with_heartbeat<T>(
    ctx: &JobContext,
    job_id: i64,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = tokio::time::sleep(LEASE / 3) => db::jobs::heartbeat(&ctx.pool, job_id, LEASE).await?,
        }
    }
}

/// The active engine, (re)loaded into `cached` when an admin changed it; the lexicon when the
/// chosen engine cannot be loaded.
async fn active_engine<'a>(
    ctx: &JobContext,
    cached: &'a mut Option<(EngineChoice, Engine)>,
) -> anyhow::Result<&'a Engine> {
    let choice = engine::active_choice(&ctx.pool).await?;
    if cached.as_ref().map(|(c, _)| *c) != Some(choice) {
        let built =
            match engine::load(&ctx.pool, choice, ctx.llm.clone(), ctx.embedder.config()).await {
                Ok(e) => e,
                Err(e) => {
                    tracing::warn!(error = %e, "active engine unavailable; using the lexicon");
                    Engine::Lexicon
                }
            };
        *cached = Some((choice, built));
    }
    Ok(&cached.get_or_insert((choice, Engine::Lexicon)).1)
}

/// Analyses one batch with the active engine (reloaded when an admin changes it).
pub async fn analyse_step(
    ctx: &JobContext,
    cached: &mut Option<(EngineChoice, Engine)>,
) -> anyhow::Result<usize> {
    let engine = active_engine(ctx, cached).await?;
    let n = analyse::run_batch(ctx, engine).await?;
    if n > 0 {
        // New sentiment and categories change the series the alerts read.
        alerts::enqueue(&ctx.pool, alerts::DELAY).await?;
    }
    Ok(n)
}

/// Analyses one batch of follow-up messages with the active engine.
pub async fn analyse_messages_step(
    ctx: &JobContext,
    cached: &mut Option<(EngineChoice, Engine)>,
) -> anyhow::Result<usize> {
    let engine = active_engine(ctx, cached).await?;
    analyse_messages::run_batch(ctx, engine).await
}

/// Claims and runs one leased job of `kind`; returns whether there was one.
async fn long_job(ctx: &JobContext, kind: &str) -> anyhow::Result<bool> {
    let Some(job) = db::jobs::claim_leased(&ctx.pool, kind, LEASE).await? else {
        return Ok(false);
    };
    let payload = &job.payload;
    let id_of = |key: &str| payload.get(key).and_then(|v| v.as_i64());
    if kind == CLUSTER && cluster::analysis_pending(&ctx.pool).await? {
        db::jobs::defer(&ctx.pool, job.id, cluster::WAIT).await?;
        return Ok(false);
    }
    let result = match kind {
        DETECT => alerts::run(&ctx.pool).await.map(|_| ()),
        CHECK_QUALITY => match payload.get("source").and_then(|v| v.as_str()) {
            Some(source) => quality::run(&ctx.pool, source).await.map(|_| ()),
            None => Err(anyhow::anyhow!("job payload has no source")),
        },
        CLUSTER => {
            let k = id_of("k").and_then(|k| usize::try_from(k).ok());
            cluster::run(ctx, job.id, k, id_of("user_id"))
                .await
                .map(|_| ())
        }
        EVALUATE => match id_of("run_id") {
            Some(run_id) => evaluate::run(ctx, job.id, run_id).await,
            None => Err(anyhow::anyhow!("job payload has no run_id")),
        },
        TRAIN_CATEGORY => {
            let engine = payload
                .get("engine")
                .and_then(|v| v.as_str())
                .and_then(CategoryEngine::parse);
            match engine {
                Some(engine) => {
                    let source = payload.get("source").and_then(|v| v.as_str());
                    train_category::run(ctx, engine, id_of("user_id"), source)
                        .await
                        .map(|_| ())
                }
                None => Err(anyhow::anyhow!("job payload has no known engine")),
            }
        }
        RESCORE => with_heartbeat(ctx, job.id, rescore::run(ctx))
            .await
            .map(|_| ()),
        RECATEGORISE => match id_of("model_id") {
            Some(model_id) => categorise::reclassify(ctx, model_id).await.map(|_| ()),
            None => Err(anyhow::anyhow!("job payload has no model_id")),
        },
        _ => match id_of("set_id") {
            Some(set_id) => {
                let features = payload
                    .get("features")
                    .and_then(|v| v.as_str())
                    .unwrap_or("both");
                let flag = |key: &str| payload.get(key).and_then(|v| v.as_bool()) == Some(true);
                let training = train::TrainJob {
                    job_id: job.id,
                    set_id,
                    features,
                    pairs: id_of("pairs").map(|n| n.clamp(1, 100_000) as usize),
                    curve: flag("curve"),
                    auto_activate: flag("auto_activate"),
                    user_id: id_of("user_id"),
                };
                with_heartbeat(ctx, job.id, train::run(ctx, &training))
                    .await
                    .map(|_| ())
            }
            None => Err(anyhow::anyhow!("job payload has no set_id")),
        },
    };
    match result {
        Ok(()) => {
            db::jobs::complete(&ctx.pool, &[job.id]).await?;
            if kind == CLUSTER || kind == RECATEGORISE || kind == RESCORE {
                // New clusters, categories or scores: the alerts read them.
                alerts::enqueue(&ctx.pool, alerts::DELAY).await?;
            }
        }
        Err(e) => {
            tracing::error!(error = ?e, job = job.id, kind, "job failed");
            let message = format!("{e:#}");
            let gave_up = db::jobs::retry_later(&ctx.pool, &[job.id], &message, RETRY_BASE).await?;
            if gave_up > 0 && kind == EVALUATE {
                if let Some(run_id) = id_of("run_id") {
                    db::evaluations::finish(&ctx.pool, run_id, None, Some(&message)).await?;
                }
            }
            if gave_up > 0 && kind == TRAIN {
                super::train_tuned::mark_failed(&ctx.pool, job.id, &e).await?;
            }
        }
    }
    Ok(true)
}
