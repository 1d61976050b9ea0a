//! SQL for categories: labelled tickets to train on, trained models, the active one, predictions, corrections.

use super::app_settings;
use chrono::{DateTime, Utc};
use pgvector::Vector;
use sqlx::{FromRow, PgExecutor};

/// `app_settings` key of the active category model: `{"model_id": n}`.
pub const ACTIVE_CATEGORY: &str = "category.active";

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ActiveModel {
    pub model_id: i64,
}

/// A labelled ticket: the agent's correction if any, else the imported or generated category.
#[derive(Debug, Clone, FromRow)]
pub struct LabelledTicket {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub label: String,
    pub embedding: Option<Vector>,
}

/// The newest `limit` labelled tickets (of `source` only, when given), oldest first, with their
/// stored embeddings when present.
pub async fn labelled_tickets(
    db: impl PgExecutor<'_>,
    model: &str,
    limit: i64,
    source: Option<&str>,
) -> sqlx::Result<Vec<LabelledTicket>> {
    sqlx::query_as(
        "SELECT * FROM (
             SELECT t.id, t.subject, t.body, COALESCE(c.category, t.category) AS label,
                    e.embedding
             FROM tickets t
             LEFT JOIN category_corrections c ON c.ticket_id = t.id
             LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id AND e.model = $1
             WHERE COALESCE(c.category, t.category) IS NOT NULL
               AND btrim(COALESCE(c.category, t.category)) <> ''
               AND ($3::text IS NULL OR t.source = $3)
             ORDER BY t.id DESC LIMIT $2) newest
         ORDER BY id",
    )
    .bind(model)
    .bind(limit)
    .bind(source)
    .fetch_all(db)
    .await
}

/// A stored model without its weights.
#[derive(Debug, Clone, FromRow)]
pub struct ModelRow {
    pub id: i64,
    pub version: i32,
    pub engine: String,
    pub embedder: String,
    pub train_size: i32,
    pub test_size: i32,
    pub duplicates: i32,
    pub classes: sqlx::types::Json<Vec<String>>,
    pub metrics: serde_json::Value,
    pub signal: serde_json::Value,
    pub created_at: DateTime<Utc>,
    /// The import source whose labels it learned; `None`: every labelled ticket.
    pub source: Option<String>,
}

const COLUMNS: &str = "id, version, engine, embedder, train_size, test_size, duplicates, classes,
                       metrics, signal, created_at, source";

pub struct NewModel<'a> {
    pub engine: &'a str,
    pub embedder: &'a str,
    pub train_size: i32,
    pub test_size: i32,
    pub duplicates: i32,
    pub classes: &'a [String],
    pub metrics: serde_json::Value,
    pub signal: serde_json::Value,
    pub model: serde_json::Value,
    pub user_id: Option<i64>,
    pub source: Option<&'a str>,
}

/// Stores a model under the next version; returns (id, version).
pub async fn insert(db: impl PgExecutor<'_>, m: NewModel<'_>) -> sqlx::Result<(i64, i32)> {
    sqlx::query_as(
        "INSERT INTO category_models (version, engine, embedder, train_size, test_size, duplicates,
                                      classes, metrics, signal, model, created_by, source)
         SELECT COALESCE(max(version), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
         FROM category_models RETURNING id, version",
    )
    .bind(m.engine)
    .bind(m.embedder)
    .bind(m.train_size)
    .bind(m.test_size)
    .bind(m.duplicates)
    .bind(sqlx::types::Json(m.classes))
    .bind(m.metrics)
    .bind(m.signal)
    .bind(m.model)
    .bind(m.user_id)
    .bind(m.source)
    .fetch_one(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ModelRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM category_models ORDER BY version DESC"
    ))
    .fetch_all(db)
    .await
}

/// The serialised model.
pub async fn weights(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar("SELECT model FROM category_models WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The active model's id, if one was chosen (and still exists).
pub async fn active(db: impl PgExecutor<'_> + Copy) -> sqlx::Result<Option<i64>> {
    let Some(a) = app_settings::get::<ActiveModel>(db, ACTIVE_CATEGORY).await? else {
        return Ok(None);
    };
    sqlx::query_scalar("SELECT id FROM category_models WHERE id = $1")
        .bind(a.model_id)
        .fetch_optional(db)
        .await
}

pub async fn activate(
    db: impl PgExecutor<'_>,
    model_id: i64,
    user_id: Option<i64>,
) -> sqlx::Result<()> {
    app_settings::set(db, ACTIVE_CATEGORY, &ActiveModel { model_id }, user_id).await
}

/// One ticket's predicted category.
pub struct Predicted {
    pub ticket_id: i64,
    pub category: String,
    pub confidence: f32,
}

/// Records predictions of `model_id` on analysed tickets.
pub async fn store_predictions(
    db: impl PgExecutor<'_>,
    model_id: i64,
    rows: &[Predicted],
) -> sqlx::Result<u64> {
    let ids: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    let categories: Vec<&str> = rows.iter().map(|r| r.category.as_str()).collect();
    let confidences: Vec<f32> = rows.iter().map(|r| r.confidence.clamp(0.0, 1.0)).collect();
    sqlx::query(
        "UPDATE ticket_analysis a
         SET category = p.category, category_confidence = p.confidence, category_model = $4
         FROM unnest($1::bigint[], $2::text[], $3::real[]) AS p(ticket_id, category, confidence)
         WHERE a.ticket_id = p.ticket_id",
    )
    .bind(&ids)
    .bind(&categories)
    .bind(&confidences)
    .bind(model_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// A page of analysed tickets (text and embedding) not yet classified by `model_id`, after `after`.
pub async fn unclassified(
    db: impl PgExecutor<'_>,
    model_id: i64,
    after: i64,
    limit: i64,
) -> sqlx::Result<Vec<(i64, String, String, Option<Vector>)>> {
    sqlx::query_as(
        "SELECT t.id, t.subject, t.body, e.embedding
         FROM ticket_analysis a
         JOIN tickets t ON t.id = a.ticket_id
         LEFT JOIN ticket_embeddings e ON e.ticket_id = t.id
         WHERE a.ticket_id > $2 AND a.category_model IS DISTINCT FROM $1
         ORDER BY a.ticket_id LIMIT $3",
    )
    .bind(model_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Sets an agent's category for a ticket (replacing an earlier correction).
pub async fn correct(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
    category: &str,
    user_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO category_corrections (ticket_id, category, corrected_by) VALUES ($1, $2, $3)
         ON CONFLICT (ticket_id) DO UPDATE
           SET category = EXCLUDED.category, corrected_by = EXCLUDED.corrected_by,
               corrected_at = now()",
    )
    .bind(ticket_id)
    .bind(category)
    .bind(user_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// (labelled tickets, distinct categories among them).
pub async fn label_counts(db: impl PgExecutor<'_>) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT count(*), count(DISTINCT label) FROM (
             SELECT COALESCE(c.category, t.category) AS label
             FROM tickets t LEFT JOIN category_corrections c ON c.ticket_id = t.id) l
         WHERE label IS NOT NULL AND btrim(label) <> ''",
    )
    .fetch_one(db)
    .await
}

/// Import sources whose tickets carry a category, with how many, most first.
pub async fn label_sources(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT t.source, count(*) FROM tickets t
         LEFT JOIN category_corrections c ON c.ticket_id = t.id
         WHERE btrim(COALESCE(c.category, t.category, '')) <> ''
         GROUP BY t.source ORDER BY count(*) DESC, t.source LIMIT 50",
    )
    .fetch_all(db)
    .await
}

/// Whether any ticket of `source` carries a category.
pub async fn source_has_labels(db: impl PgExecutor<'_>, source: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM tickets t
                        LEFT JOIN category_corrections c ON c.ticket_id = t.id
                        WHERE t.source = $1
                          AND btrim(COALESCE(c.category, t.category, '')) <> '')",
    )
    .bind(source)
    .fetch_one(db)
    .await
}

/// The error of the newest category training job, if that job has failed (or is waiting to retry).
pub async fn last_training_error(db: impl PgExecutor<'_>) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT last_error FROM jobs WHERE kind = 'train_category' AND status <> 'done'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await
    .map(Option::flatten)
}

/// The categories analysed tickets were given, for the correction form's suggestions.
pub async fn known(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT label FROM (
             SELECT category AS label FROM tickets WHERE category IS NOT NULL
             UNION SELECT category FROM category_corrections) l
         ORDER BY label LIMIT 200",
    )
    .fetch_all(db)
    .await
}

/// A ticket's predicted category, confidence and model version, and an agent's correction.
#[derive(Debug, Clone, FromRow)]
pub struct OfTicket {
    pub predicted: Option<String>,
    pub confidence: Option<f32>,
    pub version: Option<i32>,
    pub engine: Option<String>,
    pub corrected: Option<String>,
}

pub async fn of_ticket(db: impl PgExecutor<'_>, ticket_id: i64) -> sqlx::Result<OfTicket> {
    sqlx::query_as(
        "SELECT a.category AS predicted, a.category_confidence AS confidence,
                m.version, m.engine, c.category AS corrected
         FROM (SELECT $1::bigint AS id) t
         LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
         LEFT JOIN category_models m ON m.id = a.category_model
         LEFT JOIN category_corrections c ON c.ticket_id = t.id",
    )
    .bind(ticket_id)
    .fetch_one(db)
    .await
}
