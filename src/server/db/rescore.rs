//! SQL for rescoring stored sentiment: stale pages of tickets and follow-ups, newest first, their new scores, and progress.

use super::app_settings;
use pgvector::Vector;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgExecutor};

/// Where a rescore stands, kept in `app_settings` for the Evaluation page.
pub const PROGRESS: &str = "sentiment.rescore";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The engine version stored scores are moving to.
    pub version: String,
    pub done: i64,
    /// Tickets and messages scored by another version when the rescore started.
    pub total: i64,
    pub finished: bool,
}

pub async fn progress(db: impl PgExecutor<'_>) -> sqlx::Result<Option<Progress>> {
    app_settings::get(db, PROGRESS).await
}

pub async fn set_progress(db: impl PgExecutor<'_>, p: &Progress) -> sqlx::Result<()> {
    app_settings::set(db, PROGRESS, p, None).await
}

/// Stored tickets and follow-up messages whose score comes from another version than `version`.
pub async fn stale_count(db: impl PgExecutor<'_>, version: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM ticket_analysis WHERE sentiment_version <> $1)
              + (SELECT count(*) FROM message_analysis WHERE sentiment_version <> $1)",
    )
    .bind(version)
    .fetch_one(db)
    .await
}

/// A stored text to score again: a ticket (`message_id` None) or a follow-up message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stale {
    pub ticket_id: i64,
    pub message_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub text: String,
    pub embedding: Option<Vector>,
    /// The version the score was read with; the new score replaces only that one.
    pub version: String,
}

/// The keyset position of a page: the last `(created_at, ticket id, message id or 0)` returned.
pub type Cursor = (chrono::DateTime<chrono::Utc>, i64, i64);

/// Up to `limit` tickets scored by another version, newest first, strictly before `after`.
pub async fn stale_tickets(
    db: impl PgExecutor<'_>,
    version: &str,
    after: Option<Cursor>,
    limit: i64,
) -> sqlx::Result<Vec<Stale>> {
    let (at, id) = after.map_or((None, i64::MAX), |(t, id, _)| (Some(t), id));
    sqlx::query_as(
        "SELECT t.id AS ticket_id, NULL::bigint AS message_id, t.created_at,
                CASE WHEN t.subject = '' THEN t.body ELSE t.subject || E'\\n' || t.body END AS text,
                e.embedding, a.sentiment_version AS version
         FROM ticket_analysis a
         JOIN tickets t ON t.id = a.ticket_id
         LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id
         WHERE a.sentiment_version <> $1
           AND ($2::timestamptz IS NULL OR (t.created_at, t.id) < ($2, $3))
         ORDER BY t.created_at DESC, t.id DESC
         LIMIT $4",
    )
    .bind(version)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Up to `limit` follow-up messages scored by another version, newest first, before `after`.
pub async fn stale_messages(
    db: impl PgExecutor<'_>,
    version: &str,
    after: Option<Cursor>,
    limit: i64,
) -> sqlx::Result<Vec<Stale>> {
    let (at, id) = after.map_or((None, i64::MAX), |(t, _, m)| (Some(t), m));
    sqlx::query_as(
        "SELECT m.ticket_id, m.id AS message_id, m.created_at, m.body AS text, a.embedding,
                a.sentiment_version AS version
         FROM message_analysis a
         JOIN messages m ON m.id = a.message_id
         WHERE a.sentiment_version <> $1
           AND ($2::timestamptz IS NULL OR (m.created_at, m.id) < ($2, $3))
         ORDER BY m.created_at DESC, m.id DESC
         LIMIT $4",
    )
    .bind(version)
    .bind(at)
    .bind(id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// One new score, replacing the score of version `was` (a newer one written meanwhile stays).
pub struct Rescored {
    pub id: i64,
    pub was: String,
    pub label: String,
    pub score: f32,
    pub engine: String,
    pub version: String,
    pub reason: Option<String>,
}

/// Replaces the tickets' sentiment (their analysis time stays, so no second `ticket.analysed`
/// event is sent) and refreshes their trajectories.
pub async fn store_tickets(tx: &mut PgConnection, rows: &[Rescored]) -> sqlx::Result<()> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    super::tickets::lock_for_analysis(tx, &ids).await?;
    update(tx, "ticket_analysis", "ticket_id", rows).await?;
    super::messages::refresh_trajectories(tx, &ids).await
}

/// Replaces the messages' sentiment and refreshes the trajectories of `tickets` (theirs).
pub async fn store_messages(
    tx: &mut PgConnection,
    rows: &[Rescored],
    tickets: &[i64],
) -> sqlx::Result<()> {
    super::tickets::lock_for_analysis(tx, tickets).await?;
    update(tx, "message_analysis", "message_id", rows).await?;
    super::messages::refresh_trajectories(tx, tickets).await
}

async fn update(
    tx: &mut PgConnection,
    table: &str,
    key: &str,
    rows: &[Rescored],
) -> sqlx::Result<()> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let scores: Vec<f32> = rows.iter().map(|r| r.score.clamp(-1.0, 1.0)).collect();
    let engines: Vec<&str> = rows.iter().map(|r| r.engine.as_str()).collect();
    let versions: Vec<&str> = rows.iter().map(|r| r.version.as_str()).collect();
    let was: Vec<&str> = rows.iter().map(|r| r.was.as_str()).collect();
    let reasons: Vec<Option<&str>> = rows.iter().map(|r| r.reason.as_deref()).collect();
    sqlx::query(&format!(
        "UPDATE {table} a
         SET sentiment = u.l, sentiment_score = u.s, sentiment_engine = u.e, sentiment_version = u.v,
             sentiment_reason = u.why
         FROM UNNEST($1::bigint[], $2::text[], $3::real[], $4::text[], $5::text[], $6::text[],
                     $7::text[])
              AS u(id, l, s, e, v, was, why)
         WHERE a.{key} = u.id AND a.sentiment_version = u.was"
    ))
    .bind(&ids)
    .bind(&labels)
    .bind(&scores)
    .bind(&engines)
    .bind(&versions)
    .bind(&was)
    .bind(&reasons)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
