//! Server functions for the Clusters page: load the latest run, start a run, name a cluster.

use super::ClustersOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "clusters")]
pub async fn load_clusters() -> Result<ClustersOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Overview)?;
    let can_tune = Area::Tuning.allows(user.role);
    Ok(super::server::overview(&app_state()?.pool, can_tune).await?)
}

/// Queues a clustering run; an empty `k` lets the silhouette choose.
#[server(endpoint = "clusters/run")]
pub async fn run_clustering(k: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::jobs::cluster::{self, K_RANGE};
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
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
    cluster::enqueue(&app_state()?.pool, k, Some(user.id), None).await?;
    tracing::info!(user = %user.email, ?k, "clustering queued");
    redirect("Clustering queued; the page shows the new run when it is done.");
    Ok(())
}

#[server(endpoint = "clusters/name")]
pub async fn name_cluster(cluster_id: i64, name: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tuning)?;
    let name = name.trim();
    tracing::info!(user = %user.email, cluster_id, name, "cluster named");
    if name.chars().count() > 80 {
        return Err(AppError::Invalid("A name has at most 80 characters.".into()).respond());
    }
    let name = (!name.is_empty()).then_some(name);
    if !db::clusters::rename(&app_state()?.pool, cluster_id, name).await? {
        return Err(AppError::NotFound.respond());
    }
    redirect("Name saved.");
    Ok(())
}

#[cfg(feature = "ssr")]
fn redirect(message: &str) {
    leptos_axum::redirect(&format!(
        "/clusters?ok={}&at={}",
        crate::domain::url::encode(message),
        chrono::Utc::now().timestamp_millis()
    ));
}
