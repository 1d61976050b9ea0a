//! SQL for analysis results: ticket texts to analyse, embeddings (pgvector) and sentiment rows.

use crate::domain::escalation::Decision;
use crate::domain::Sentiment;
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
    /// An LLM's one-sentence reason for the label.
    pub reason: Option<String>,
    /// The active rules' decision; None when no rules are active (a stored one is kept).
    pub decision: Option<Decision>,
    /// The active category model's prediction; None without one (a stored one is kept).
    pub category: Option<CategoryResult>,
}

/// A category model's prediction for one ticket.
#[derive(Debug, Clone)]
pub struct CategoryResult {
    pub label: String,
    pub confidence: f32,
    pub model_id: i64,
}

/// Stores a batch's embeddings, sentiment, escalation decisions and category predictions;
/// storing the same ticket again replaces its row (a missing decision or prediction keeps the
/// stored one).
pub async fn store(
    tx: &mut sqlx::PgConnection,
    model: &str,
    rows: &[AnalysisRow],
) -> sqlx::Result<()> {
    let ids: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    super::tickets::lock_for_analysis(tx, &ids).await?;
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
    let flags: Vec<Option<bool>> = rows
        .iter()
        .map(|r| r.decision.as_ref().map(|d| d.escalate))
        .collect();
    let rule_versions: Vec<Option<i32>> = rows
        .iter()
        .map(|r| r.decision.as_ref().map(|d| d.rule_version))
        .collect();
    let json: Vec<Option<serde_json::Value>> = rows
        .iter()
        .map(|r| {
            r.decision
                .as_ref()
                .map(|d| serde_json::to_value(d).unwrap_or_default())
        })
        .collect();
    let categories: Vec<Option<&str>> = rows
        .iter()
        .map(|r| r.category.as_ref().map(|c| c.label.as_str()))
        .collect();
    let confidences: Vec<Option<f32>> = rows
        .iter()
        .map(|r| r.category.as_ref().map(|c| c.confidence.clamp(0.0, 1.0)))
        .collect();
    let models: Vec<Option<i64>> = rows
        .iter()
        .map(|r| r.category.as_ref().map(|c| c.model_id))
        .collect();
    let reasons: Vec<Option<&str>> = rows.iter().map(|r| r.reason.as_deref()).collect();
    // One write with the decision and the category, so the rollup triggers run once per batch.
    sqlx::query(
        "INSERT INTO ticket_analysis (ticket_id, sentiment, sentiment_score, sentiment_engine,
                                      sentiment_version, escalate, escalation, rule_version,
                                      category, category_confidence, category_model,
                                      sentiment_reason, latest_score, lowest_score)
         SELECT *, s, s FROM UNNEST($1::bigint[], $2::text[], $3::real[], $4::text[], $5::text[],
                              $6::bool[], $7::jsonb[], $8::int[], $9::text[], $10::real[],
                              $11::bigint[], $12::text[])
                 AS u(id, l, s, e, v, esc, j, rv, c, cc, cm, why)
         ON CONFLICT (ticket_id) DO UPDATE
           SET sentiment = EXCLUDED.sentiment, sentiment_score = EXCLUDED.sentiment_score,
               sentiment_engine = EXCLUDED.sentiment_engine,
               sentiment_version = EXCLUDED.sentiment_version, analysed_at = now(),
               sentiment_reason = EXCLUDED.sentiment_reason,
               latest_score = EXCLUDED.latest_score, lowest_score = EXCLUDED.lowest_score,
               escalate = COALESCE(EXCLUDED.escalate, ticket_analysis.escalate),
               escalation = COALESCE(EXCLUDED.escalation, ticket_analysis.escalation),
               rule_version = COALESCE(EXCLUDED.rule_version, ticket_analysis.rule_version),
               category = COALESCE(EXCLUDED.category, ticket_analysis.category),
               category_confidence =
                   COALESCE(EXCLUDED.category_confidence, ticket_analysis.category_confidence),
               category_model = COALESCE(EXCLUDED.category_model, ticket_analysis.category_model)",
    )
    .bind(&ids)
    .bind(&labels)
    .bind(&scores)
    .bind(&engines)
    .bind(&versions)
    .bind(&flags)
    .bind(&json)
    .bind(&rule_versions)
    .bind(&categories)
    .bind(&confidences)
    .bind(&models)
    .bind(&reasons)
    .execute(&mut *tx)
    .await?;
    // A follow-up scored before its ticket moves the trajectory on from the ticket's own score.
    super::messages::refresh_trajectories(tx, &ids).await
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
    pub sentiment_reason: Option<String>,
}

pub async fn of_ticket(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
) -> sqlx::Result<Option<StoredAnalysis>> {
    sqlx::query_as(
        "SELECT sentiment, sentiment_score, sentiment_engine, sentiment_version, analysed_at,
                escalation, sentiment_reason
         FROM ticket_analysis WHERE ticket_id = $1",
    )
    .bind(ticket_id)
    .fetch_optional(db)
    .await
}

/// Replaces the stored escalation decisions of analysed tickets (a later message changed them).
pub async fn set_decisions(
    tx: &mut sqlx::PgConnection,
    decisions: &[(i64, &Decision)],
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
    .await?;
    Ok(())
}
