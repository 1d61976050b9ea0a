//! Server functions for the Data quality page: the stored reports, checking a source again.

use super::QualityOverview;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "quality")]
pub async fn get_quality() -> Result<QualityOverview, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Data)?;
    let pool = &app_state()?.pool;
    let reports = db::quality::reports(pool).await?;
    let pending = db::quality::sources(pool)
        .await?
        .into_iter()
        .filter(|s| !reports.iter().any(|(r, _)| &r.source == s))
        .collect();
    Ok(QualityOverview { reports, pending })
}

/// Queues a check of one source.
#[server(endpoint = "quality/check")]
pub async fn check_source(source: String) -> Result<(), AppError> {
    use crate::domain::role::Area;
    use crate::server::jobs::quality;
    use crate::server::{auth, state::app_state};
    let user = auth::require(Area::Data)?;
    quality::enqueue(&app_state()?.pool, source.trim()).await?;
    tracing::info!(user = %user.email, source, "data quality check queued");
    leptos_axum::redirect(&format!(
        "/quality?ok={}&at={}",
        crate::domain::url::encode("Check queued; reload in a moment."),
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
