//! The alerts job: runs spike, growth and new-cluster detection over the rollups, keeps the alerts table current, and raises `issue.spike` for new current alerts.

use crate::domain::alerts::detect::{self as alerts, Finding};
use crate::domain::alerts::spikes::SpikeParams;
use crate::domain::alerts::CURRENT_DAYS;
use crate::server::db;
use chrono::Duration;
use sqlx::PgPool;

pub const DETECT: &str = "detect_alerts";
/// Days of history read: a year of alerts and the weeks of baseline before them.
pub const HISTORY_DAYS: i64 = 365 + 42;
/// How long a change waits before detection runs, so a burst of changes costs one run.
pub const DELAY: std::time::Duration = std::time::Duration::from_secs(20);
/// The event new current alerts raise.
pub const EVENT: &str = "issue.spike";

/// Queues a detection run after `delay` (nothing more while one is queued or running).
pub async fn enqueue(
    db: impl sqlx::PgExecutor<'_>,
    delay: std::time::Duration,
) -> sqlx::Result<()> {
    db::jobs::enqueue_again(db, DETECT, &serde_json::json!({}), DETECT, delay).await
}

/// What a run changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub found: usize,
    pub inserted: usize,
    pub withdrawn: usize,
    pub events: usize,
}

/// Detects, stores and raises events; everything in one transaction.
#[tracing::instrument(skip(pool))]
pub async fn run(pool: &PgPool) -> anyhow::Result<Outcome> {
    let mut found: Vec<Finding> = Vec::new();
    let latest = db::rollups::latest_day(pool).await?;
    if let Some(end) = latest {
        let start = end - Duration::days(HISTORY_DAYS - 1);
        let (series, total) = db::alerts::daily_series(pool, start, end).await?;
        found.extend(alerts::spike_findings(
            &series,
            &total,
            start,
            &SpikeParams::default(),
        ));
        let categories = series
            .into_iter()
            .filter(|(s, _)| s.product_id.is_none())
            .collect();
        found.extend(alerts::growth_findings(&categories, start));
        let clusters = db::alerts::cluster_series(pool, start, end).await?;
        found.extend(alerts::growth_findings(&clusters, start));
        let since = end - Duration::days(alerts::NEW_CLUSTER_DAYS - 1);
        let (recency, share) = db::alerts::cluster_recency(pool, since).await?;
        found.extend(alerts::new_cluster_findings(&recency, share, end));
    }
    let mut tx = pool.begin().await?;
    db::alerts::lock(&mut tx).await?;
    let stored = db::alerts::stored(&mut *tx).await?;
    let found_n = found.len();
    let plan = alerts::plan(&stored, found);
    let ids = db::alerts::apply(&mut tx, &plan).await?;
    let mut events = 0;
    if let Some(end) = latest {
        let current_from = end - Duration::days(CURRENT_DAYS - 1);
        for alert in db::alerts::by_ids(&mut *tx, &ids).await? {
            if alert.until < current_from {
                continue;
            }
            let payload = serde_json::json!({
                "alert_id": alert.id,
                "kind": alert.kind,
                "product": alert.product,
                "category": alert.category,
                "cluster": alert.cluster,
                "since": alert.since,
                "until": alert.until,
                "tickets": alert.tickets,
                "expected": alert.expected,
                "summary": format!("{}: {}", alert.subject(), alert.size()),
                "tickets_path": alert.tickets_href(),
            });
            db::events::record(
                &mut *tx,
                EVENT,
                None,
                &payload,
                &format!("{EVENT}:{}", alert.id),
            )
            .await?;
            events += 1;
        }
    }
    tx.commit().await?;
    let outcome = Outcome {
        found: found_n,
        inserted: ids.len(),
        withdrawn: plan.delete.len(),
        events,
    };
    tracing::info!(?outcome, "alerts detected");
    Ok(outcome)
}
