//! The clustering job: the newest analysed tickets grouped by embedding (k by silhouette or the admin's k), projected to 2-D, named by top terms, stored as a run.

use super::{JobContext, LEASE};
use crate::server::db;
use crate::server::db::clusters::NewRun;
use crate::server::pipeline::cluster::{self, KChoice};
use std::time::Duration;

pub const CLUSTER: &str = "cluster_tickets";
/// Newest analysed tickets clustered per run.
pub const MAX_TICKETS: i64 = 10_000;
/// The range k is chosen from by silhouette.
pub const K_RANGE: (usize, usize) = (4, 12);
/// How long a run waits when tickets are still being analysed.
pub const WAIT: Duration = Duration::from_secs(10);

/// Queues a run; `k` None lets the silhouette choose.
pub async fn enqueue(
    db: impl sqlx::PgExecutor<'_>,
    k: Option<usize>,
    user_id: Option<i64>,
    dedupe_key: Option<&str>,
) -> sqlx::Result<Option<i64>> {
    db::jobs::enqueue(
        db,
        CLUSTER,
        &serde_json::json!({ "k": k, "user_id": user_id }),
        dedupe_key,
    )
    .await
}

/// Whether tickets are still waiting for analysis (a run then waits, so it sees them).
pub async fn analysis_pending(pool: &sqlx::PgPool) -> sqlx::Result<bool> {
    let counts = db::jobs::counts(pool, super::ANALYSE).await?;
    Ok(counts.queued + counts.running > 0)
}

/// Clusters and stores; returns the run id. Keeps the job's lease alive while computing.
#[tracing::instrument(skip(ctx))]
pub async fn run(
    ctx: &JobContext,
    job_id: i64,
    k: Option<usize>,
    user_id: Option<i64>,
) -> anyhow::Result<i64> {
    let rows = db::clusters::points(&ctx.pool, MAX_TICKETS).await?;
    let choice = match k {
        Some(k) => KChoice::Fixed(k),
        None => KChoice::Silhouette {
            min: K_RANGE.0,
            max: K_RANGE.1,
        },
    };
    let (ids, texts, points): (Vec<i64>, Vec<String>, Vec<Vec<f32>>) =
        rows.into_iter()
            .fold((vec![], vec![], vec![]), |mut acc, (id, t, v)| {
                acc.0.push(id);
                acc.1.push(t);
                acc.2.push(v);
                acc
            });
    let started = std::time::Instant::now();
    let work = tokio::task::spawn_blocking(move || cluster::cluster(&points, &texts, choice));
    tokio::pin!(work);
    let clustering = loop {
        tokio::select! {
            done = &mut work => break done??,
            _ = tokio::time::sleep(LEASE / 3) => db::jobs::heartbeat(&ctx.pool, job_id, LEASE).await?,
        }
    };
    let members: Vec<(i64, usize, f32, f32, f32)> = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let (x, y) = clustering.xy[i];
            (id, clustering.assignment[i], x, y, clustering.distance[i])
        })
        .collect();
    let run_id = db::clusters::store(
        &ctx.pool,
        &NewRun {
            k: clustering.k,
            chosen_by: if k.is_some() { "admin" } else { "silhouette" },
            scores: &clustering.scores,
            embedder: ctx.embedder.model_name(),
            explained: clustering.explained,
            user_id,
            terms: &clustering.top_terms,
            members: &members,
        },
    )
    .await?;
    tracing::info!(
        run_id,
        k = clustering.k,
        tickets = members.len(),
        seconds = started.elapsed().as_secs_f32(),
        "tickets clustered"
    );
    Ok(run_id)
}
