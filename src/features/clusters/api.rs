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
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::run_clustering(&app_state()?, &user, k).await
}

#[server(endpoint = "clusters/name")]
pub async fn name_cluster(cluster_id: i64, name: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Tuning)?;
    super::server::name_cluster(&app_state()?, &user, cluster_id, name).await
}
