//! Server side of the quality page: what its server functions do once the role is checked.

use super::QualityOverview;
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::jobs::quality;
use crate::server::state::AppState;
use sqlx::PgPool;

/// The Data quality page: the stored report of every checked source, and the sources not checked
/// yet.
pub async fn quality(pool: &PgPool) -> Result<QualityOverview, AppError> {
    let reports = db::quality::reports(pool).await?;
    let pending = db::quality::sources(pool)
        .await?
        .into_iter()
        .filter(|s| !reports.iter().any(|(r, _)| &r.source == s))
        .collect();
    Ok(QualityOverview { reports, pending })
}

/// Queues a check of one source.
pub async fn check_source(
    state: &AppState,
    user: &CurrentUser,
    source: String,
) -> Result<(), AppError> {
    quality::enqueue(&state.pool, source.trim()).await?;
    tracing::info!(user = %user.email, source, "data quality check queued");
    leptos_axum::redirect(&format!(
        "/quality?ok={}&at={}",
        crate::domain::url::encode("Check queued; reload in a moment."),
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
