//! `/api/v1/escalations`: the inbox for other systems — list, read one with the rules' reasons, claim, note, resolve, reopen.

use super::error::ApiError;
use super::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::domain::escalation::FiredRule;
use crate::domain::inbox::{self, InboxQuery, InboxRow};
use crate::domain::role::Area;
use crate::server::db::{self, escalations::Claim};
use crate::server::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One escalated ticket in the list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EscalationSummary {
    pub ticket_id: i64,
    pub subject: String,
    pub customer: Option<String>,
    pub product: Option<String>,
    pub priority: String,
    /// 1 (critical) to 4 (low).
    pub severity: i16,
    pub queue: String,
    pub assignee: Option<String>,
    /// open or resolved.
    pub status: String,
    /// The next SLA deadline (first response, else resolution).
    pub due_at: DateTime<Utc>,
    /// Names of the rules that fired.
    pub rules: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<InboxRow> for EscalationSummary {
    fn from(r: InboxRow) -> Self {
        EscalationSummary {
            ticket_id: r.ticket_id,
            subject: r.subject,
            customer: r.customer,
            product: r.product,
            priority: r.priority,
            severity: r.severity,
            queue: r.queue,
            assignee: r.assignee,
            status: r.status,
            due_at: r.due_at,
            rules: r.rules,
            created_at: r.created_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EscalationPage {
    pub data: Vec<EscalationSummary>,
    pub total: i64,
    /// Page number (from 0) and page size.
    pub page: i64,
    pub page_size: i64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EscalationParams {
    /// open (default), resolved or all.
    pub status: Option<String>,
    pub queue: Option<String>,
    /// critical, high, medium or low.
    pub severity: Option<String>,
    pub product: Option<i64>,
    /// me, none, or a user id.
    pub assignee: Option<String>,
    /// Page number from 0.
    #[param(minimum = 0, maximum = 10000)]
    pub page: Option<i64>,
}

/// A rule that fired, with what the ticket showed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    pub rule: String,
    pub severity: String,
    pub queue: String,
    /// e.g. "keywords: lawyer, chargeback: matched \"chargeback\"".
    pub because: Vec<String>,
}

impl From<FiredRule> for Reason {
    fn from(f: FiredRule) -> Self {
        Reason {
            rule: f.name,
            severity: f.severity.as_str().to_string(),
            queue: f.queue,
            because: f
                .reasons
                .into_iter()
                .map(|r| format!("{}: {}", r.condition, r.detail))
                .collect(),
        }
    }
}

/// A ticket's escalation, the reasons, and its trail.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Escalation {
    pub ticket_id: i64,
    /// open or resolved; absent when the ticket was not escalated.
    pub status: Option<String>,
    pub queue: Option<String>,
    pub severity: Option<i16>,
    pub assignee: Option<String>,
    pub first_response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    /// Whether analysis decided to escalate (absent before analysis).
    pub decided: Option<bool>,
    pub reasons: Vec<Reason>,
    /// Notes, claims, replies and resolutions, oldest first.
    pub activity: Vec<Activity>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Activity {
    pub actor: Option<String>,
    pub kind: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    /// 1 to 20,000 characters, not only spaces.
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveIn {
    /// Whether the escalation was needed (feeds the rules' backtests; default true).
    pub needed: Option<bool>,
    pub note: Option<String>,
}

#[utoipa::path(
    get, path = "/escalations", tag = "escalations", params(EscalationParams),
    responses((status = 200, body = EscalationPage), (status = 401, body = super::error::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(p): ApiQuery<EscalationParams>,
) -> Result<axum::Json<EscalationPage>, ApiError> {
    let me = user.require(Area::Inbox)?;
    // A blank filter means no filter, as in the ticket list.
    let status = p
        .status
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    if let Some(s) = status.as_deref() {
        if !["open", "resolved", "all"].contains(&s) {
            return Err(ApiError::invalid("status must be open, resolved or all."));
        }
    }
    let page = p.page.unwrap_or(0);
    if !(0..=10_000).contains(&page) {
        return Err(ApiError::invalid("page must be between 0 and 10000."));
    }
    let q = InboxQuery {
        queue: p.queue,
        severity: p.severity,
        product: p.product,
        assignee: p.assignee,
        status,
        page: Some(page),
        ..InboxQuery::default()
    };
    let (rows, total) = crate::server::db::inbox_view::rows(&state.pool, &q, me.id).await?;
    Ok(axum::Json(EscalationPage {
        data: rows.into_iter().map(Into::into).collect(),
        total,
        page,
        page_size: inbox::PAGE_SIZE,
    }))
}

#[utoipa::path(
    get, path = "/escalations/{id}", tag = "escalations",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, body = Escalation), (status = 404, body = super::error::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Escalation>, ApiError> {
    let me = user.require(Area::Inbox)?;
    if db::tickets::id_exists(&state.pool, id).await? {
        let t = crate::server::db::inbox_view::ticket(&state.pool, id, me.id).await?;
        let e = t.escalation;
        return Ok(axum::Json(Escalation {
            ticket_id: id,
            status: e.as_ref().map(|e| e.status.clone()),
            queue: e.as_ref().map(|e| e.queue.clone()),
            severity: e.as_ref().map(|e| e.severity),
            assignee: e.as_ref().and_then(|e| e.assignee.clone()),
            first_response_due: e.as_ref().map(|e| e.first_response_due),
            resolution_due: e.as_ref().map(|e| e.resolution_due),
            decided: t.decided.map(|d| d.0),
            reasons: t.fired.into_iter().map(Into::into).collect(),
            activity: t
                .activity
                .into_iter()
                .map(|a| Activity {
                    actor: a.actor,
                    kind: a.kind,
                    body: a.body,
                    at: a.at,
                })
                .collect(),
        }));
    }
    Err(ApiError::not_found("Ticket"))
}

fn not_open() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "conflict",
        "This escalation is not open.",
    )
}

#[utoipa::path(
    post, path = "/escalations/{id}/claim", tag = "escalations",
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 204, description = "Claimed by the token's user"),
        (status = 409, description = "Not open, or claimed by someone else", body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn claim(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let me = user.require(Area::Inbox)?;
    match crate::server::pipeline::escalation::workflow::claim(&state.pool, id, me.id).await? {
        Claim::Claimed => Ok(StatusCode::NO_CONTENT),
        Claim::Taken(name) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("{name} has already claimed this ticket."),
        )),
        Claim::NotFound => Err(not_open()),
    }
}

#[utoipa::path(
    post, path = "/escalations/{id}/notes", tag = "escalations",
    params(("id" = i64, Path, description = "Ticket id")), request_body = NoteIn,
    responses((status = 204), (status = 400, body = super::error::ErrorBody), (status = 404, body = super::error::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn note(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<NoteIn>,
) -> Result<StatusCode, ApiError> {
    let me = user.require(Area::Inbox)?;
    let body = input.body.trim();
    if body.is_empty() || body.len() > 20_000 {
        return Err(ApiError::invalid("body needs 1 to 20,000 characters."));
    }
    if !db::tickets::id_exists(&state.pool, id).await? {
        return Err(ApiError::not_found("Ticket"));
    }
    db::activity::add(&state.pool, id, Some(me.id), "note", body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post, path = "/escalations/{id}/resolve", tag = "escalations",
    params(("id" = i64, Path, description = "Ticket id")), request_body = ResolveIn,
    responses((status = 204), (status = 409, body = super::error::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn resolve(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<ResolveIn>,
) -> Result<StatusCode, ApiError> {
    let me = user.require(Area::Inbox)?;
    let note = input.note.unwrap_or_default();
    let verdict = input.needed.unwrap_or(true);
    if crate::server::pipeline::escalation::workflow::resolve(
        &state.pool,
        id,
        me.id,
        verdict,
        note.trim(),
    )
    .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_open())
    }
}

#[utoipa::path(
    post, path = "/escalations/{id}/reopen", tag = "escalations",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 204), (status = 409, description = "Not resolved", body = super::error::ErrorBody)),
    security(("bearer" = []))
)]
pub async fn reopen(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let me = user.require(Area::Inbox)?;
    if crate::server::pipeline::escalation::workflow::reopen(&state.pool, id, me.id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "Only a resolved escalation can be reopened.",
        ))
    }
}
