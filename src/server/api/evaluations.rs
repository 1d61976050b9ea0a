//! `/api/v1/evaluations`: evaluation runs of the sentiment engines and prompts, with their metrics (managers and admins).

use super::error::ApiError;
use super::extract::{ApiPath, ApiQuery, ApiUser};
use crate::domain::role::Area;
use crate::server::db::{self, evaluations::RunRow};
use crate::server::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One evaluation run.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvaluationRun {
    pub id: i64,
    pub set_id: i64,
    /// The labelled set it ran on.
    pub set: String,
    /// lexicon, local or llm.
    pub engine: String,
    pub engine_version: String,
    pub model_id: Option<i64>,
    pub prompt_id: Option<i64>,
    /// queued, running, done or failed.
    pub status: String,
    pub total: i32,
    pub completed: i32,
    /// total, accuracy, macro_f1, weighted_f1, classes (label, precision, recall, f1, support)
    /// and confusion[gold][predicted], once done.
    #[schema(value_type = Option<Object>)]
    pub metrics: Option<serde_json::Value>,
    pub latency_ms: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Items the LLM could not answer, scored by the fallback engine.
    pub fallbacks: i32,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<RunRow> for EvaluationRun {
    fn from(r: RunRow) -> Self {
        EvaluationRun {
            id: r.id,
            set_id: r.set_id,
            set: r.set_name,
            engine: r.engine,
            engine_version: r.engine_version,
            model_id: r.model_id,
            prompt_id: r.prompt_id,
            status: r.status,
            total: r.total,
            completed: r.completed,
            metrics: r.metrics,
            latency_ms: r.latency_ms,
            prompt_tokens: r.prompt_tokens,
            completion_tokens: r.completion_tokens,
            fallbacks: r.fallbacks,
            error: r.error,
            created_at: r.created_at,
            finished_at: r.finished_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvaluationList {
    /// Newest first.
    pub data: Vec<EvaluationRun>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationParams {
    /// Runs to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

#[utoipa::path(
    get, path = "/evaluations", tag = "evaluations", params(EvaluationParams),
    responses((status = 200, body = EvaluationList), (status = 403, body = super::error::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(p): ApiQuery<EvaluationParams>,
) -> Result<axum::Json<EvaluationList>, ApiError> {
    user.require(Area::Evaluation)?;
    let limit = p.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 200."));
    }
    let rows = db::evaluations::list(&state.pool, limit).await?;
    Ok(axum::Json(EvaluationList {
        data: rows.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(
    get, path = "/evaluations/{id}", tag = "evaluations",
    params(("id" = i64, Path, description = "Run id")),
    responses((status = 200, body = EvaluationRun), (status = 404, body = super::error::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<EvaluationRun>, ApiError> {
    user.require(Area::Evaluation)?;
    let run = db::evaluations::get(&state.pool, id)
        .await?
        .ok_or_else(|| ApiError::not_found("Evaluation run"))?;
    Ok(axum::Json(run.into()))
}
