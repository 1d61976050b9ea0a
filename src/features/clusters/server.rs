//! Builds the Clusters page from the latest run.

use super::{ClusterView, ClustersOverview, RunView};
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::charts::scatter;
use crate::server::db;
use crate::server::jobs::cluster::{self, CLUSTER, K_RANGE};
use crate::server::state::AppState;
use sqlx::PgPool;

/// Weeks of trend per cluster.
pub const WEEKS: i32 = 8;
/// Points drawn on the scatter at most.
const SCATTER_POINTS: i64 = 3000;
/// Typical tickets listed per cluster.
const SAMPLES: i64 = 3;

pub async fn overview(pool: &PgPool, can_tune: bool) -> anyhow::Result<ClustersOverview> {
    let jobs = db::jobs::counts(pool, CLUSTER).await?;
    let pending = jobs.queued + jobs.running > 0;
    let Some(run) = db::clusters::latest_run(pool).await? else {
        return Ok(ClustersOverview {
            run: None,
            clusters: Vec::new(),
            scatter_svg: scatter::clusters(&[], &[], "No clusters yet")?,
            pending,
            can_tune,
        });
    };
    let rows = db::clusters::clusters(pool, run.id, WEEKS, chrono::Utc::now()).await?;
    let samples = db::clusters::samples(pool, run.id, SAMPLES).await?;
    let mut labels = vec![String::new(); rows.len()];
    let clusters: Vec<ClusterView> = rows
        .into_iter()
        .map(|c| {
            let idx = c.idx as usize;
            let label = c.name.clone().unwrap_or_else(|| {
                c.top_terms
                    .0
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            if let Some(slot) = labels.get_mut(idx) {
                *slot = format!("{} ({})", label, c.size);
            }
            ClusterView {
                id: c.id,
                idx: c.idx,
                name: c.name,
                size: c.size,
                top_terms: c.top_terms.0,
                negative_share: c.negative_share,
                weekly: c.weekly,
                samples: samples
                    .iter()
                    .filter(|s| s.0 == c.id)
                    .map(|s| (s.1, s.2.clone()))
                    .collect(),
                colour: scatter::css_colour(idx),
            }
        })
        .collect();
    let points: Vec<(usize, f32, f32)> = db::clusters::scatter(pool, run.id, SCATTER_POINTS)
        .await?
        .into_iter()
        .map(|(idx, x, y)| (idx as usize, x, y))
        .collect();
    let scatter_svg = scatter::clusters(
        &points,
        &labels,
        &format!(
            "{} tickets in {} clusters on their two main axes",
            run.tickets,
            clusters.len()
        ),
    )?;
    Ok(ClustersOverview {
        run: Some(RunView {
            id: run.id,
            k: run.k.unwrap_or(0),
            k_chosen_by: run.k_chosen_by,
            scores: run.scores.0,
            tickets: run.tickets,
            embedder: run.embedder,
            explained: run.explained,
            created_at: run.created_at,
        }),
        clusters,
        scatter_svg,
        pending,
        can_tune,
    })
}

/// Queues a clustering run; an empty `k` lets the silhouette choose.
pub async fn run_clustering(
    state: &AppState,
    user: &CurrentUser,
    k: String,
) -> Result<(), AppError> {
    let k = match k.trim() {
        "" => None,
        v => match v.parse::<usize>() {
            Ok(k) if (2..=30).contains(&k) => Some(k),
            _ => {
                return Err(AppError::Invalid(format!(
                    "k must be a whole number from 2 to 30, or empty to choose from {} to {} by silhouette.",
                    K_RANGE.0, K_RANGE.1
                ))
                .respond())
            }
        },
    };
    cluster::enqueue(&state.pool, k, Some(user.id), None).await?;
    tracing::info!(user = %user.email, ?k, "clustering queued");
    redirect("Clustering queued; the page shows the new run when it is done.");
    Ok(())
}

/// Names a cluster for people (at most 80 characters); an empty name clears it.
pub async fn name_cluster(
    state: &AppState,
    user: &CurrentUser,
    cluster_id: i64,
    name: String,
) -> Result<(), AppError> {
    let name = name.trim();
    tracing::info!(user = %user.email, cluster_id, name, "cluster named");
    if name.chars().count() > 80 {
        return Err(AppError::Invalid("A name has at most 80 characters.".into()).respond());
    }
    let name = (!name.is_empty()).then_some(name);
    if !db::clusters::rename(&state.pool, cluster_id, name).await? {
        return Err(AppError::NotFound.respond());
    }
    redirect("Name saved.");
    Ok(())
}

fn redirect(message: &str) {
    leptos_axum::redirect(&format!(
        "/clusters?ok={}&at={}",
        crate::domain::url::encode(message),
        chrono::Utc::now().timestamp_millis()
    ));
}
