//! Server function for the Data page.

use super::DataOverview;
use crate::error::AppError;
use leptos::prelude::*;

/// Recent imports, and the report of `selected` (or of the newest) with up to 200 bad rows.
#[server(endpoint = "imports")]
pub async fn load_data_page(selected: Option<i64>) -> Result<DataOverview, AppError> {
    use super::{ImportDetail, ImportSummary};
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Data)?;
    let pool = &app_state()?.pool;
    let to_summary = |r: db::imports::ImportRow| ImportSummary {
        id: r.id,
        file_name: r.file_name,
        format: r.format,
        source: r.source,
        started_at: r.started_at,
        finished: r.finished_at.is_some(),
        rows_read: r.rows_read,
        inserted: r.inserted,
        duplicates: r.duplicates,
        skipped: r.skipped,
        failure: r.failure,
        reasons: {
            let mut v: Vec<(String, i64)> = r.reasons.0.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            v
        },
    };
    let imports: Vec<ImportSummary> = db::imports::recent(pool, 20)
        .await?
        .into_iter()
        .map(to_summary)
        .collect();
    let chosen = match selected {
        Some(id) => db::imports::get(pool, id).await?.map(to_summary),
        None => imports.first().cloned(),
    };
    let selected = match chosen {
        Some(summary) => Some(ImportDetail {
            errors: db::imports::errors(pool, summary.id, 200).await?,
            summary,
        }),
        None => None,
    };
    Ok(DataOverview { imports, selected })
}
