//! The million-ticket database of `bench analytics`: imported with and without rollup triggers, then analysed from its gold labels.

use super::super::import::{fresh_db, import_child};
use crate::server::{auth, db};
use std::path::Path;
use std::time::Instant;

/// The rollup triggers an import fires, (table, trigger), switched off for the import without
/// rollups.
const IMPORT_TRIGGERS: [(&str, &str); 4] = [
    ("tickets", "tickets_rollup_insert"),
    ("tickets", "tickets_rollup_update"),
    ("tickets", "tickets_rollup_delete"),
    ("messages", "messages_rollup_insert"),
];

/// Import throughput of one run, rows per second.
pub struct ImportRun {
    pub rows: usize,
    pub secs: f64,
}

impl ImportRun {
    pub fn rate(&self) -> f64 {
        self.rows as f64 / self.secs
    }
}

/// Imports `csv` into a fresh, migrated database `name`; with `rollups` false the rollup triggers
/// on tickets and messages are disabled first.
pub async fn import(
    server_url: &str,
    name: &str,
    csv: &Path,
    rows: usize,
    rollups: bool,
) -> anyhow::Result<(String, ImportRun)> {
    let url = fresh_db(server_url, name).await?;
    let pool = db::connect(&url, 1).await?;
    db::migrate(&pool).await?;
    if !rollups {
        for (table, t) in IMPORT_TRIGGERS {
            sqlx::query(&format!("ALTER TABLE {table} DISABLE TRIGGER {t}"))
                .execute(&pool)
                .await?;
        }
    }
    pool.close().await;
    let secs = import_child(csv, &url)?;
    Ok((url, ImportRun { rows, secs }))
}

/// Writes what the analysis job would (sentiment, category, escalation) from the gold labels,
/// in batches of `batch` tickets through the same rollup triggers; returns tickets per second.
pub async fn analyse_from_labels(pool: &sqlx::PgPool, batch: i64) -> anyhow::Result<f64> {
    let (lo, hi): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT min(id), max(id) FROM tickets")
            .fetch_one(pool)
            .await?;
    let (Some(lo), Some(hi)) = (lo, hi) else {
        anyhow::bail!("no tickets to analyse");
    };
    let t = Instant::now();
    let mut start = lo;
    while start <= hi {
        let end = start + batch;
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO ticket_analysis (ticket_id, sentiment, sentiment_score, sentiment_engine,
                                          sentiment_version, category, escalate)
             SELECT id, COALESCE(gold_sentiment, 'neutral'),
                    CASE gold_sentiment WHEN 'negative' THEN -0.6 WHEN 'positive' THEN 0.6 ELSE 0 END,
                    'gold', 'bench', category, COALESCE(gold_escalate, false)
             FROM tickets WHERE id >= $1 AND id < $2",
        )
        .bind(start)
        .bind(end)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO escalations (ticket_id, queue, severity, rule_version, reasons,
                                      first_response_due, resolution_due)
             SELECT id, 'general', 2, NULL, '[]', created_at + interval '4 hours',
                    created_at + interval '1 day'
             FROM tickets WHERE id >= $1 AND id < $2 AND gold_escalate",
        )
        .bind(start)
        .bind(end)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        start = end;
    }
    let secs = t.elapsed().as_secs_f64();
    score_follow_ups(pool, batch).await?;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM ticket_analysis")
        .fetch_one(pool)
        .await?;
    sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    Ok(n as f64 / secs)
}

/// Scores every later customer message as the message job would (thanks: 0.7, anything else:
/// -0.6, the demo's follow-ups being nudges, complaints and thanks) and moves the trajectories,
/// in batches of `batch` messages through the same rollup triggers.
async fn score_follow_ups(pool: &sqlx::PgPool, batch: i64) -> anyhow::Result<()> {
    let t = Instant::now();
    let (lo, hi): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT min(id), max(id) FROM messages")
            .fetch_one(pool)
            .await?;
    let (Some(mut start), Some(hi)) = (lo, hi) else {
        return Ok(());
    };
    let mut scored = 0;
    while start <= hi {
        let end = start + batch;
        let mut tx = pool.begin().await?;
        let tickets: Vec<i64> = sqlx::query_scalar(
            "WITH ins AS (
                 INSERT INTO message_analysis (message_id, ticket_id, sentiment, sentiment_score,
                                               sentiment_engine, sentiment_version)
                 SELECT id, ticket_id,
                        CASE WHEN body ILIKE '%thank%' THEN 'positive' ELSE 'negative' END,
                        CASE WHEN body ILIKE '%thank%' THEN 0.7 ELSE -0.6 END, 'gold', 'bench'
                 FROM messages
                 WHERE id >= $1 AND id < $2 AND kind = 'customer' AND NOT opening
                 RETURNING ticket_id)
             SELECT DISTINCT ticket_id FROM ins ORDER BY 1",
        )
        .bind(start)
        .bind(end)
        .fetch_all(&mut *tx)
        .await?;
        sqlx::query("SELECT refresh_trajectory($1)")
            .bind(&tickets)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        scored += tickets.len();
        start = end;
    }
    println!(
        "follow-ups scored for {scored} tickets through the rollups in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A manager and a live session for the load generator; returns the cookie's token.
pub async fn manager_session(pool: &sqlx::PgPool) -> anyhow::Result<String> {
    let id = db::users::insert(
        pool,
        "bench-manager@example.com",
        "Bench Manager",
        crate::domain::Role::Manager,
        "not-a-hash",
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("bench user exists already"))?;
    let token = crate::server::random::token();
    let expires = chrono::Utc::now() + chrono::Duration::days(1);
    db::sessions::insert(pool, &auth::token_hash(&token), id, expires).await?;
    Ok(token)
}

/// An API token of the bench manager made by [`manager_session`].
pub async fn manager_api_token(pool: &sqlx::PgPool) -> anyhow::Result<String> {
    let user: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'bench-manager@example.com'")
            .fetch_one(pool)
            .await?;
    let token = format!("tl_{}", crate::server::random::token());
    let prefix: String = token.chars().take(10).collect();
    db::api_tokens::insert(pool, user, "bench", &auth::token_hash(&token), &prefix).await?;
    Ok(token)
}

/// The product with the most tickets, the one the filtered runs narrow to.
pub async fn busiest_product(pool: &sqlx::PgPool) -> anyhow::Result<(i64, String)> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.name FROM tickets t JOIN products p ON p.id = t.product_id
         GROUP BY p.id, p.name ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await?)
}
