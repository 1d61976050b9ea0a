//! The figures `/metrics` reads from the database: queues, their age, and outbound failures.

use sqlx::PgExecutor;

/// Jobs of one kind in one state, with the age of the oldest.
#[derive(Debug, sqlx::FromRow)]
pub struct JobGauge {
    pub kind: String,
    pub status: String,
    pub count: i64,
    pub oldest_seconds: f64,
}

/// Queued and running jobs per kind (the partial ready index), and failed ones (their own index).
pub async fn jobs(db: impl PgExecutor<'_> + Copy) -> sqlx::Result<Vec<JobGauge>> {
    let mut gauges: Vec<JobGauge> = sqlx::query_as(
        "SELECT kind, status, count(*) AS count,
                COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest_seconds
         FROM jobs WHERE status IN ('queued', 'running')
         GROUP BY kind, status ORDER BY kind, status",
    )
    .fetch_all(db)
    .await?;
    gauges.extend(
        sqlx::query_as::<_, JobGauge>(
            "SELECT kind, 'failed' AS status, count(*) AS count, 0::float8 AS oldest_seconds
             FROM jobs WHERE status = 'failed' GROUP BY kind ORDER BY kind",
        )
        .fetch_all(db)
        .await?,
    );
    Ok(gauges)
}

/// Seconds since the oldest job of `kind` (the analysis jobs) still waiting was queued (0 when
/// none waits).
pub async fn analysis_lag_seconds(db: impl PgExecutor<'_>, kind: &str) -> sqlx::Result<f64> {
    sqlx::query_scalar(
        "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
         FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')",
    )
    .bind(kind)
    .fetch_one(db)
    .await
}

/// Tickets whose analytics rollups wait for an import's catch-up, and how long the oldest has.
pub async fn rollup_pending(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, f64)> {
    sqlx::query_as(
        "SELECT COALESCE(sum(n), 0)::int8,
                COALESCE(EXTRACT(EPOCH FROM now() - min(queued_at)), 0)::float8
         FROM (SELECT hi - lo + 1 AS n, queued_at FROM rollup_pending
               UNION ALL
               SELECT cardinality(ids), queued_at FROM rollup_pending_parts) p",
    )
    .fetch_one(db)
    .await
}

/// Outbound messages (webhook deliveries or e-mails) not yet through: waiting for a first try,
/// retrying after a failure, and given up.
#[derive(Debug, Default, sqlx::FromRow)]
pub struct Outbound {
    pub pending: i64,
    pub retrying: i64,
    pub dead: i64,
}

/// Webhook deliveries by state.
pub async fn webhooks(db: impl PgExecutor<'_> + Copy) -> sqlx::Result<Outbound> {
    outbound(db, "webhook_deliveries").await
}

/// E-mails by state.
pub async fn emails(db: impl PgExecutor<'_> + Copy) -> sqlx::Result<Outbound> {
    outbound(db, "emails").await
}

async fn outbound(db: impl PgExecutor<'_> + Copy, table: &'static str) -> sqlx::Result<Outbound> {
    let pending = format!(
        "SELECT count(*) FILTER (WHERE attempts = 0) AS pending,
                count(*) FILTER (WHERE attempts > 0) AS retrying, 0::bigint AS dead
         FROM {table} WHERE status = 'pending'"
    );
    let mut o: Outbound = sqlx::query_as(&pending).fetch_one(db).await?;
    let dead = format!("SELECT count(*) FROM {table} WHERE status = 'dead'");
    o.dead = sqlx::query_scalar(&dead).fetch_one(db).await?;
    Ok(o)
}
