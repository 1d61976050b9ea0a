//! SQL for analysis results: ticket texts to analyse, embeddings (pgvector) and sentiment rows.

use crate::domain::escalation::Decision;
use crate::server::pipeline::sentiment::Sentiment;
use pgvector::Vector;
use sqlx::{FromRow, PgExecutor};

/// The text of a ticket, as the pipeline reads it.
#[derive(Debug, Clone, FromRow)]
pub struct TicketText {
    pub id: i64,
    pub subject: String,
    pub body: String,
}

impl TicketText {
    /// Subject and body as one text, the way every engine sees a ticket.
    pub fn text(&self) -> String {
        joined_text(&self.subject, &self.body)
    }
}

/// Subject, a newline, and body (just the body when there is no subject).
pub fn joined_text(subject: &str, body: &str) -> String {
    if subject.is_empty() {
        body.to_string()
    } else {
        format!("{subject}\n{body}")
    }
}

pub async fn texts(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<TicketText>> {
    sqlx::query_as("SELECT id, subject, body FROM tickets WHERE id = ANY($1) ORDER BY id")
        .bind(ids)
        .fetch_all(db)
        .await
}

/// One ticket's results, ready to store.
pub struct AnalysisRow {
    pub ticket_id: i64,
    pub embedding: Vec<f32>,
    pub sentiment: Sentiment,
    pub engine: String,
    pub version: String,
}

/// Stores embeddings and sentiment for a batch; storing the same ticket again replaces its row.
pub async fn store(
    tx: &mut sqlx::PgConnection,
    model: &str,
    rows: &[AnalysisRow],
) -> sqlx::Result<()> {
    let ids: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    let vectors: Vec<Vector> = rows
        .iter()
        .map(|r| Vector::from(r.embedding.clone()))
        .collect();
    sqlx::query(
        "INSERT INTO ticket_embeddings (ticket_id, model, embedding)
         SELECT id, $2, v FROM UNNEST($1::bigint[], $3::vector[]) AS u(id, v)
         ON CONFLICT (ticket_id) DO UPDATE
           SET model = EXCLUDED.model, embedding = EXCLUDED.embedding, created_at = now()",
    )
    .bind(&ids)
    .bind(model)
    .bind(&vectors)
    .execute(&mut *tx)
    .await?;
    let labels: Vec<&str> = rows.iter().map(|r| r.sentiment.label.as_str()).collect();
    let scores: Vec<f32> = rows
        .iter()
        .map(|r| r.sentiment.score.clamp(-1.0, 1.0))
        .collect();
    let engines: Vec<&str> = rows.iter().map(|r| r.engine.as_str()).collect();
    let versions: Vec<&str> = rows.iter().map(|r| r.version.as_str()).collect();
    sqlx::query(
        "INSERT INTO ticket_analysis (ticket_id, sentiment, sentiment_score, sentiment_engine,
                                      sentiment_version)
         SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::real[], $4::text[], $5::text[])
         ON CONFLICT (ticket_id) DO UPDATE
           SET sentiment = EXCLUDED.sentiment, sentiment_score = EXCLUDED.sentiment_score,
               sentiment_engine = EXCLUDED.sentiment_engine,
               sentiment_version = EXCLUDED.sentiment_version, analysed_at = now()",
    )
    .bind(&ids)
    .bind(&labels)
    .bind(&scores)
    .bind(&engines)
    .bind(&versions)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The stored analysis of one ticket.
#[derive(Debug, Clone, FromRow)]
pub struct StoredAnalysis {
    pub sentiment: String,
    pub sentiment_score: f32,
    pub sentiment_engine: String,
    pub sentiment_version: String,
    pub analysed_at: chrono::DateTime<chrono::Utc>,
    pub escalation: Option<sqlx::types::Json<Decision>>,
}

pub async fn of_ticket(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
) -> sqlx::Result<Option<StoredAnalysis>> {
    sqlx::query_as(
        "SELECT sentiment, sentiment_score, sentiment_engine, sentiment_version, analysed_at,
                escalation
         FROM ticket_analysis WHERE ticket_id = $1",
    )
    .bind(ticket_id)
    .fetch_optional(db)
    .await
}

/// Stores the escalation decisions of analysed tickets next to their sentiment.
pub async fn store_decisions(
    tx: &mut sqlx::PgConnection,
    decisions: &[(i64, Decision)],
) -> sqlx::Result<()> {
    let ids: Vec<i64> = decisions.iter().map(|(id, _)| *id).collect();
    let flags: Vec<bool> = decisions.iter().map(|(_, d)| d.escalate).collect();
    let versions: Vec<i32> = decisions.iter().map(|(_, d)| d.rule_version).collect();
    let json: Vec<serde_json::Value> = decisions
        .iter()
        .map(|(_, d)| serde_json::to_value(d).unwrap_or_default())
        .collect();
    sqlx::query(
        "UPDATE ticket_analysis a SET escalate = u.e, escalation = u.j, rule_version = u.v
         FROM UNNEST($1::bigint[], $2::bool[], $3::jsonb[], $4::int[]) AS u(id, e, j, v)
         WHERE a.ticket_id = u.id",
    )
    .bind(&ids)
    .bind(&flags)
    .bind(&json)
    .bind(&versions)
    .execute(&mut *tx)
    .await
    .map(|_| ())
}
