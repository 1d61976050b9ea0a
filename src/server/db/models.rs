//! SQL for trained local sentiment models: versioned, with their training set and metrics.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

#[derive(Debug, Clone, FromRow)]
pub struct ModelRow {
    pub id: i64,
    pub version: i32,
    pub set_name: String,
    pub features: String,
    pub embedder: String,
    pub train_size: i32,
    pub metrics: Option<serde_json::Value>,
    pub curve: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "id, version, set_name, features, embedder, train_size, metrics, curve, created_at";

pub struct NewModel<'a> {
    pub set_id: i64,
    pub set_name: &'a str,
    pub features: &'a str,
    pub embedder: &'a str,
    pub train_size: i32,
    pub metrics: Option<serde_json::Value>,
    pub curve: Option<serde_json::Value>,
    pub model: serde_json::Value,
    pub user_id: Option<i64>,
    /// A tuned model's layers (safetensors) and recipe; `None` for a head-only model.
    pub tuned: Option<(Vec<u8>, serde_json::Value)>,
}

/// Stores a trained model under the next version number; returns (id, version).
pub async fn insert(db: impl PgExecutor<'_>, m: NewModel<'_>) -> sqlx::Result<(i64, i32)> {
    sqlx::query_as(
        "INSERT INTO sentiment_models (version, set_id, set_name, features, embedder, train_size,
                                       metrics, curve, model, created_by, tuned_layers, recipe)
         SELECT COALESCE(max(version), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
         FROM sentiment_models RETURNING id, version",
    )
    .bind(m.set_id)
    .bind(m.set_name)
    .bind(m.features)
    .bind(m.embedder)
    .bind(m.train_size)
    .bind(m.metrics)
    .bind(m.curve)
    .bind(m.model)
    .bind(m.user_id)
    .bind(m.tuned.as_ref().map(|(layers, _)| layers))
    .bind(m.tuned.as_ref().map(|(_, recipe)| recipe))
    .fetch_one(db)
    .await
}

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<ModelRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sentiment_models ORDER BY version DESC"
    ))
    .fetch_all(db)
    .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<ModelRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM sentiment_models WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The serialised model itself.
pub async fn weights(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<serde_json::Value>> {
    sqlx::query_scalar("SELECT model FROM sentiment_models WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// A tuned model's layers (safetensors bytes); `None` for a head-only model.
pub async fn tuned_layers(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<Vec<u8>>> {
    Ok(sqlx::query_scalar::<_, Option<Vec<u8>>>(
        "SELECT tuned_layers FROM sentiment_models WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?
    .flatten())
}

pub async fn latest_id(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM sentiment_models ORDER BY version DESC LIMIT 1")
        .fetch_optional(db)
        .await
}
