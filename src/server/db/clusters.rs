//! SQL for ticket clusters: the points to cluster, storing a run, and what the Clusters page reads.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{FromRow, PgExecutor, PgPool};

/// Analysed tickets to cluster, newest first: id, text, embedding.
pub async fn points(pool: &PgPool, limit: i64) -> sqlx::Result<Vec<(i64, String, Vec<f32>)>> {
    let rows: Vec<(i64, String, pgvector::Vector)> = sqlx::query_as(
        "SELECT t.id, t.subject || E'\\n' || t.body, e.embedding
         FROM tickets t JOIN ticket_embeddings e ON e.ticket_id = t.id
         ORDER BY t.created_at DESC, t.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, text, v)| (id, text, v.to_vec()))
        .collect())
}

/// A finished run to store.
pub struct NewRun<'a> {
    pub k: usize,
    pub chosen_by: &'a str,
    pub scores: &'a [(usize, f64)],
    pub embedder: &'a str,
    pub explained: [f32; 2],
    pub user_id: Option<i64>,
    /// Per cluster: top terms.
    pub terms: &'a [Vec<String>],
    /// Per ticket: (ticket id, cluster index, x, y, distance).
    pub members: &'a [(i64, usize, f32, f32, f32)],
}

/// Stores a run with its clusters and members in one transaction; names of the previous run's
/// clusters carry over to the new cluster that holds most of their tickets (over half).
pub async fn store(pool: &PgPool, run: &NewRun<'_>) -> sqlx::Result<i64> {
    let mut tx = pool.begin().await?;
    let previous = latest_run_id(&mut *tx).await?;
    let run_id: i64 = sqlx::query_scalar(
        "INSERT INTO cluster_runs (k, k_chosen_by, scores, tickets, embedder, explained, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(run.k as i32)
    .bind(run.chosen_by)
    .bind(Json(run.scores))
    .bind(run.members.len() as i32)
    .bind(run.embedder)
    .bind(run.explained.to_vec())
    .bind(run.user_id)
    .fetch_one(&mut *tx)
    .await?;
    let mut sizes = vec![0i32; run.k];
    for m in run.members {
        sizes[m.1] += 1;
    }
    let ids: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO clusters (run_id, idx, size, top_terms)
         SELECT $1, idx - 1, size, terms
         FROM unnest($2::int[], $3::jsonb[]) WITH ORDINALITY AS u(size, terms, idx)
         ORDER BY idx RETURNING id",
    )
    .bind(run_id)
    .bind(&sizes)
    .bind(run.terms.iter().map(Json).collect::<Vec<_>>())
    .fetch_all(&mut *tx)
    .await?;
    let cluster_ids: Vec<i64> = run.members.iter().map(|m| ids[m.1]).collect();
    let tickets: Vec<i64> = run.members.iter().map(|m| m.0).collect();
    let xs: Vec<f32> = run.members.iter().map(|m| m.2).collect();
    let ys: Vec<f32> = run.members.iter().map(|m| m.3).collect();
    let ds: Vec<f32> = run.members.iter().map(|m| m.4).collect();
    sqlx::query(
        "INSERT INTO ticket_clusters (cluster_id, ticket_id, x, y, distance)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::real[], $4::real[], $5::real[])",
    )
    .bind(&cluster_ids)
    .bind(&tickets)
    .bind(&xs)
    .bind(&ys)
    .bind(&ds)
    .execute(&mut *tx)
    .await?;
    if let Some(previous) = previous {
        sqlx::query(
            "WITH overlap AS (
               SELECT o.name, n.id AS new_id, count(*) AS shared, o.size AS old_size
               FROM clusters o
               JOIN ticket_clusters ot ON ot.cluster_id = o.id
               JOIN ticket_clusters nt ON nt.ticket_id = ot.ticket_id
               JOIN clusters n ON n.id = nt.cluster_id AND n.run_id = $2
               WHERE o.run_id = $1 AND o.name IS NOT NULL
               GROUP BY o.name, n.id, o.size)
             UPDATE clusters c SET name = overlap.name FROM overlap
             WHERE c.id = overlap.new_id AND overlap.shared * 2 > overlap.old_size",
        )
        .bind(previous)
        .bind(run_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(run_id)
}

async fn latest_run_id(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT max(id) FROM cluster_runs WHERE status = 'done'")
        .fetch_one(db)
        .await
}

#[derive(Debug, Clone, FromRow)]
pub struct RunRow {
    pub id: i64,
    pub k: Option<i32>,
    pub k_chosen_by: String,
    pub scores: Json<Vec<(usize, f64)>>,
    pub tickets: i32,
    pub embedder: String,
    pub explained: Vec<f32>,
    pub created_at: DateTime<Utc>,
}

pub async fn latest_run(db: impl PgExecutor<'_>) -> sqlx::Result<Option<RunRow>> {
    sqlx::query_as(
        "SELECT id, k, k_chosen_by, scores, tickets, embedder, explained, created_at
         FROM cluster_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

/// One cluster as the page lists it.
#[derive(Debug, Clone, FromRow)]
pub struct ClusterRow {
    pub id: i64,
    pub idx: i32,
    pub name: Option<String>,
    pub size: i32,
    pub top_terms: Json<Vec<String>>,
    /// Share of its analysed tickets with negative sentiment.
    pub negative_share: Option<f64>,
    /// Tickets created in each of the last `weeks` weeks, oldest first.
    pub weekly: Vec<i64>,
}

/// The clusters of `run_id`, largest first, with sentiment and weekly counts up to `now`.
pub async fn clusters(
    db: impl PgExecutor<'_>,
    run_id: i64,
    weeks: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<ClusterRow>> {
    sqlx::query_as(
        "SELECT c.id, c.idx, c.name, c.size, c.top_terms,
                (SELECT avg((a.sentiment = 'negative')::int)::float8
                 FROM ticket_clusters tc JOIN ticket_analysis a ON a.ticket_id = tc.ticket_id
                 WHERE tc.cluster_id = c.id) AS negative_share,
                ARRAY(SELECT count(t.id)
                      FROM generate_series($2 - 1, 0, -1) AS w
                      LEFT JOIN (ticket_clusters tc JOIN tickets t ON t.id = tc.ticket_id)
                        ON tc.cluster_id = c.id
                       AND t.created_at >= $3 - make_interval(weeks => w + 1)
                       AND t.created_at < $3 - make_interval(weeks => w)
                      GROUP BY w ORDER BY w DESC) AS weekly
         FROM clusters c WHERE c.run_id = $1 ORDER BY c.size DESC, c.idx",
    )
    .bind(run_id)
    .bind(weeks)
    .bind(now)
    .fetch_all(db)
    .await
}

/// A cluster's most typical tickets (nearest its centre): (cluster id, ticket id, subject).
pub async fn samples(
    db: impl PgExecutor<'_>,
    run_id: i64,
    per_cluster: i64,
) -> sqlx::Result<Vec<(i64, i64, String)>> {
    sqlx::query_as(
        "SELECT s.cluster_id, s.ticket_id, t.subject FROM clusters c
         CROSS JOIN LATERAL (SELECT tc.cluster_id, tc.ticket_id FROM ticket_clusters tc
                             WHERE tc.cluster_id = c.id ORDER BY tc.distance, tc.ticket_id
                             LIMIT $2) s
         JOIN tickets t ON t.id = s.ticket_id
         WHERE c.run_id = $1",
    )
    .bind(run_id)
    .bind(per_cluster)
    .fetch_all(db)
    .await
}

/// Up to `limit` points of the run for the scatter: (cluster index, x, y), an even sample.
pub async fn scatter(
    db: impl PgExecutor<'_>,
    run_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i32, f32, f32)>> {
    sqlx::query_as(
        "SELECT c.idx, tc.x, tc.y FROM ticket_clusters tc JOIN clusters c ON c.id = tc.cluster_id
         WHERE c.run_id = $1 ORDER BY md5(tc.ticket_id::text) LIMIT $2",
    )
    .bind(run_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Names a cluster (empty clears the name); false when it does not exist.
pub async fn rename(
    db: impl PgExecutor<'_>,
    cluster_id: i64,
    name: Option<&str>,
) -> sqlx::Result<bool> {
    sqlx::query("UPDATE clusters SET name = $2 WHERE id = $1")
        .bind(cluster_id)
        .bind(name)
        .execute(db)
        .await
        .map(|r| r.rows_affected() == 1)
}

/// A cluster's label: its name, else its top terms.
pub async fn label(db: impl PgExecutor<'_>, cluster_id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT COALESCE(name, (SELECT string_agg(t, ', ') FROM
                   (SELECT jsonb_array_elements_text(top_terms) AS t LIMIT 3) x))
         FROM clusters WHERE id = $1",
    )
    .bind(cluster_id)
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}
