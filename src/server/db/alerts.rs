//! SQL for prevention alerts: the daily series the detector reads from the rollups, cluster recency, and storing what it found.

use crate::domain::alerts::detect::{ClusterRecency, Plan, Stored, Subject};
use crate::domain::alerts::AlertView;
use crate::domain::analytics::AnalyticsFilter;
use chrono::NaiveDate;
use sqlx::{FromRow, PgExecutor, Postgres, Transaction};
use std::collections::BTreeMap;

#[derive(FromRow)]
struct SeriesRow {
    day: NaiveDate,
    product_id: Option<i64>,
    category: Option<String>,
    no_product: i32,
    no_category: i32,
    n: i64,
}

/// Daily ticket counts from `from` to `to` per product, per category and per product × category
/// (tickets without a product or category only count in the series they have), and in total.
pub async fn daily_series(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<(BTreeMap<Subject, Vec<i64>>, Vec<i64>)> {
    let rows: Vec<SeriesRow> = sqlx::query_as(
        "SELECT day, product_id, category, (g & 8 <> 0)::int4 AS no_product,
                (g & 4 <> 0)::int4 AS no_category, n::int8 AS n
         FROM rollup_daily
         -- Cube rows of all tickets, per product, per category, per product x category.
         WHERE g IN (15, 7, 11, 3) AND day BETWEEN $1 AND $2 AND n <> 0",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    let days = (to - from).num_days() as usize + 1;
    let mut total = vec![0; days];
    let mut series: BTreeMap<Subject, Vec<i64>> = BTreeMap::new();
    for SeriesRow {
        day,
        product_id,
        category,
        no_product,
        no_category,
        n,
    } in rows
    {
        let i = (day - from).num_days() as usize;
        if no_product == 1 && no_category == 1 {
            total[i] += n;
            continue;
        }
        // A grouped-away column is NULL; a real NULL key (no product, no category) is skipped.
        if (no_product == 0 && product_id.is_none()) || (no_category == 0 && category.is_none()) {
            continue;
        }
        let subject = Subject {
            product_id,
            category,
            cluster_id: None,
        };
        series.entry(subject).or_insert_with(|| vec![0; days])[i] += n;
    }
    Ok((series, total))
}

/// Daily counts from `from` to `to` of each cluster of the newest run, by ticket creation day.
pub async fn cluster_series(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    to: NaiveDate,
) -> sqlx::Result<BTreeMap<Subject, Vec<i64>>> {
    let rows: Vec<(i64, NaiveDate, i64)> = sqlx::query_as(
        "SELECT c.id, (t.created_at AT TIME ZONE 'UTC')::date AS day, count(*)
         FROM clusters c
         JOIN ticket_clusters tc ON tc.cluster_id = c.id
         JOIN tickets t ON t.id = tc.ticket_id
         WHERE c.run_id = (SELECT max(id) FROM cluster_runs WHERE status = 'done')
           AND (t.created_at AT TIME ZONE 'UTC')::date BETWEEN $1 AND $2
         GROUP BY 1, 2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    let days = (to - from).num_days() as usize + 1;
    let mut series: BTreeMap<Subject, Vec<i64>> = BTreeMap::new();
    for (cluster_id, day, n) in rows {
        let subject = Subject {
            cluster_id: Some(cluster_id),
            ..Subject::default()
        };
        series.entry(subject).or_insert_with(|| vec![0; days])[(day - from).num_days() as usize] +=
            n;
    }
    Ok(series)
}

/// The clusters of the newest run with their tickets created on or after `since`, and the share
/// of the run's tickets created then.
pub async fn cluster_recency(
    db: impl PgExecutor<'_>,
    since: NaiveDate,
) -> sqlx::Result<(Vec<ClusterRecency>, f64)> {
    let rows: Vec<(i64, i64, i64, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT c.id, count(*),
                count(*) FILTER (WHERE t.created_at >= $1::date),
                min((t.created_at AT TIME ZONE 'UTC')::date) FILTER (WHERE t.created_at >= $1::date)
         FROM clusters c
         JOIN ticket_clusters tc ON tc.cluster_id = c.id
         JOIN tickets t ON t.id = tc.ticket_id
         WHERE c.run_id = (SELECT max(id) FROM cluster_runs WHERE status = 'done')
         GROUP BY c.id ORDER BY c.id",
    )
    .bind(since)
    .fetch_all(db)
    .await?;
    let size: i64 = rows.iter().map(|r| r.1).sum();
    let recent: i64 = rows.iter().map(|r| r.2).sum();
    let share = if size > 0 {
        recent as f64 / size as f64
    } else {
        0.0
    };
    let clusters = rows
        .into_iter()
        .map(|(cluster_id, size, recent, first_recent)| ClusterRecency {
            cluster_id,
            size,
            recent,
            first_recent,
        })
        .collect();
    Ok((clusters, share))
}

#[derive(FromRow)]
struct StoredRow {
    id: i64,
    kind: String,
    product_id: Option<i64>,
    category: Option<String>,
    cluster_id: Option<i64>,
    since: NaiveDate,
    until: NaiveDate,
}

/// Every stored alert, as the matcher needs it.
pub async fn stored(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Stored>> {
    let rows: Vec<StoredRow> = sqlx::query_as(
        "SELECT id, kind, product_id, category, cluster_id, since, until FROM alerts ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Stored {
            id: r.id,
            kind: r.kind,
            subject: Subject {
                product_id: r.product_id,
                category: r.category,
                cluster_id: r.cluster_id,
            },
            since: r.since,
            until: r.until,
        })
        .collect())
}

/// Applies `plan`; returns the ids of the new alerts, in the order of `plan.insert`.
pub async fn apply(tx: &mut Transaction<'_, Postgres>, plan: &Plan) -> sqlx::Result<Vec<i64>> {
    if !plan.delete.is_empty() {
        sqlx::query("DELETE FROM alerts WHERE id = ANY($1)")
            .bind(&plan.delete)
            .execute(&mut **tx)
            .await?;
    }
    for (id, f) in &plan.update {
        sqlx::query(
            "UPDATE alerts SET since = $2, until = $3, tickets = $4, expected = $5, p_value = $6,
                    updated_at = now()
             WHERE id = $1",
        )
        .bind(id)
        .bind(f.since)
        .bind(f.until)
        .bind(f.tickets as i32)
        .bind(f.expected)
        .bind(f.p_value)
        .execute(&mut **tx)
        .await?;
    }
    let mut ids = Vec::with_capacity(plan.insert.len());
    for f in &plan.insert {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO alerts (kind, product_id, category, cluster_id, since, until, tickets,
                                 expected, p_value)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(f.kind)
        .bind(f.subject.product_id)
        .bind(f.subject.category.as_deref())
        .bind(f.subject.cluster_id)
        .bind(f.since)
        .bind(f.until)
        .bind(f.tickets as i32)
        .bind(f.expected)
        .bind(f.p_value)
        .fetch_one(&mut **tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Alerts as the pages show them, with product and cluster names.
const VIEW: &str = "
    SELECT a.id, a.kind, a.product_id, p.name AS product, a.category, a.cluster_id,
           COALESCE(c.name, 'Cluster ' || (c.idx + 1)) AS cluster, a.since, a.until,
           a.tickets, a.expected, a.p_value
    FROM alerts a
    LEFT JOIN products p ON p.id = a.product_id
    LEFT JOIN clusters c ON c.id = a.cluster_id";

/// Alerts that overlap `from..=to`, about the filter's product and category when it names
/// them (alerts have no channel or sentiment), newest first.
pub async fn list(
    db: impl PgExecutor<'_>,
    from: NaiveDate,
    to: NaiveDate,
    filter: &AnalyticsFilter,
    limit: i64,
) -> sqlx::Result<Vec<AlertView>> {
    sqlx::query_as(&format!(
        "{VIEW}
         WHERE a.until >= $1 AND a.since <= $2
           AND ($3::bigint IS NULL OR a.product_id = $3)
           AND ($4::text IS NULL OR a.category = $4)
         ORDER BY a.until DESC, a.tickets - a.expected DESC, a.id
         LIMIT $5"
    ))
    .bind(from)
    .bind(to)
    .bind(filter.product)
    .bind(filter.category.as_deref())
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The alerts with these ids, as the pages show them.
pub async fn by_ids(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<AlertView>> {
    sqlx::query_as(&format!("{VIEW} WHERE a.id = ANY($1) ORDER BY a.id"))
        .bind(ids)
        .fetch_all(db)
        .await
}

/// When the last detection run finished (UTC, to the minute), and whether one is queued or running.
pub async fn last_run(db: impl PgExecutor<'_>) -> sqlx::Result<(Option<String>, bool)> {
    let row: Option<(Option<String>, bool)> = sqlx::query_as(
        "SELECT to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'),
                status IN ('queued', 'running')
         FROM jobs WHERE dedupe_key = 'detect_alerts'",
    )
    .fetch_optional(db)
    .await?;
    Ok(row.unwrap_or((None, false)))
}

/// Locks the alerts against a concurrent detection run until the transaction ends.
pub async fn lock(tx: &mut sqlx::PgConnection) -> sqlx::Result<()> {
    sqlx::query("LOCK TABLE alerts IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    Ok(())
}
