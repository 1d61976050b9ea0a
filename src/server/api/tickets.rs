//! `/api/v1/tickets`: create (idempotent by external id), list with keyset pagination, get one.

use super::error::ApiError;
use super::extract::{ApiJson, ApiPath, ApiQuery, ApiUser};
use crate::domain::import::NewTicket;
use crate::domain::role::Area;
use crate::domain::{Channel, Priority, Status};

use crate::domain::ticket_view::{TicketDetail, TicketQuery, TicketRow};
use crate::server::db::{self, ticket_writer::TicketWriter};
use crate::server::state::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, NaiveDate, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The source tickets created through the API are stored under.
pub const SOURCE: &str = "api";
const MAX_SUBJECT: usize = 500;
const MAX_BODY: usize = 50_000;

/// A ticket as the API returns it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Ticket {
    pub id: i64,
    pub source: String,
    pub external_id: String,
    pub subject: String,
    pub body: String,
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub product: Option<String>,
    pub channel: String,
    pub priority: String,
    pub status: String,
    /// The category label the ticket came with.
    pub category: Option<String>,
    /// The category the active model predicted, once analysed.
    pub predicted_category: Option<String>,
    pub language: Option<String>,
    pub created_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub csat: Option<i16>,
    /// The stored sentiment, once analysed.
    pub sentiment: Option<Sentiment>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Sentiment {
    /// negative, neutral or positive.
    pub label: String,
    /// From -1 (negative) to 1 (positive).
    pub score: f32,
    pub engine: String,
}

impl From<TicketDetail> for Ticket {
    fn from(d: TicketDetail) -> Self {
        Ticket {
            id: d.id,
            source: d.source,
            external_id: d.external_id,
            subject: d.subject,
            body: d.body,
            customer: d.customer,
            customer_email: d.customer_email,
            product: d.product,
            channel: d.channel,
            priority: d.priority,
            status: d.status,
            category: d.category,
            predicted_category: d.category_view.corrected.or(d.category_view.predicted),
            language: d.language,
            created_at: d.created_at,
            first_response_at: d.first_response_at,
            resolved_at: d.resolved_at,
            csat: d.csat,
            sentiment: d.analysis.map(|a| Sentiment {
                label: a.label,
                score: a.score,
                engine: a.engine,
            }),
        }
    }
}

/// One line of a ticket list.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketSummary {
    pub id: i64,
    pub subject: String,
    pub customer: Option<String>,
    pub product: Option<String>,
    pub channel: String,
    pub priority: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub csat: Option<i16>,
}

impl From<TicketRow> for TicketSummary {
    fn from(r: TicketRow) -> Self {
        TicketSummary {
            id: r.id,
            subject: r.subject,
            customer: r.customer,
            product: r.product,
            channel: r.channel,
            priority: r.priority,
            status: r.status,
            created_at: r.created_at,
            csat: r.csat,
        }
    }
}

/// A page of tickets; pass `next_cursor` as `cursor` for the next one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TicketPage {
    pub data: Vec<TicketSummary>,
    /// Tickets matching the filters, over all pages.
    pub total: i64,
    pub next_cursor: Option<String>,
}

/// Filters and paging of the ticket list (newest first).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Tickets per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Full-text search in subject and body.
    pub q: Option<String>,
    /// open, pending, resolved or closed.
    pub status: Option<String>,
    /// email, chat, phone, social or web.
    pub channel: Option<String>,
    /// low, medium, high or urgent.
    pub priority: Option<String>,
    /// Product id.
    pub product: Option<i64>,
    /// First day of creation (UTC), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day of creation (UTC), inclusive.
    pub to: Option<NaiveDate>,
}

/// A ticket to create. `external_id` (or the `Idempotency-Key` header) makes retries safe: a
/// second request with the same one returns the ticket created by the first.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketIn {
    /// Your id of the ticket, 1 to 200 characters; a repeat returns the first ticket.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub external_id: Option<String>,
    pub subject: String,
    pub body: String,
    /// Stable key of the customer in your system (e-mail, handle or id); default the e-mail.
    pub customer_ref: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    /// Product name; created when new.
    pub product: Option<String>,
    /// email, chat, phone, social or web (default web).
    pub channel: Option<String>,
    /// low, medium, high or urgent (default medium).
    pub priority: Option<String>,
    /// open, pending, resolved or closed (default open).
    pub status: Option<String>,
    pub category: Option<String>,
    pub language: Option<String>,
    /// When the customer wrote (default now).
    pub created_at: Option<DateTime<Utc>>,
}

/// A vocabulary field: None when absent or blank, else parsed or refused with the allowed values.
fn parse_field<T>(
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    field: &str,
    allowed: &str,
) -> Result<Option<T>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v).map(Some).ok_or_else(|| {
            ApiError::invalid(format!("{field} must be one of {allowed}, not {v:?}."))
        }),
    }
}

const CHANNELS: &str = "email, chat, phone, social, web";
const PRIORITIES: &str = "low, medium, high, urgent";
const STATUSES: &str = "open, pending, resolved, closed";

impl NewTicketIn {
    /// The ticket to store, or what is wrong with the request.
    fn into_ticket(self, key: Option<String>) -> Result<NewTicket, ApiError> {
        let subject = self.subject.trim().to_string();
        let body = self.body.trim().to_string();
        if subject.is_empty() && body.is_empty() {
            return Err(ApiError::invalid("subject and body are both empty."));
        }
        if subject.chars().count() > MAX_SUBJECT || body.chars().count() > MAX_BODY {
            return Err(ApiError::invalid(format!(
                "subject is limited to {MAX_SUBJECT} characters and body to {MAX_BODY}."
            )));
        }
        let external_id = match self.external_id.or(key).map(|k| k.trim().to_string()) {
            Some(k) if k.is_empty() || k.len() > 200 => {
                return Err(ApiError::invalid(
                    "external_id must be 1 to 200 characters.",
                ))
            }
            Some(k) => k,
            None => crate::server::random::token(),
        };
        let blank = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let email = blank(self.customer_email);
        Ok(NewTicket {
            external_id,
            subject,
            body,
            // Without a key of their own, customers are known by their e-mail address.
            customer_ref: blank(self.customer_ref).or_else(|| email.clone()),
            customer_name: blank(self.customer_name),
            customer_email: email,
            product: blank(self.product),
            product_line: None,
            channel: parse_field(self.channel.as_deref(), Channel::parse, "channel", CHANNELS)?
                .unwrap_or(Channel::Web),
            priority: parse_field(
                self.priority.as_deref(),
                Priority::parse,
                "priority",
                PRIORITIES,
            )?
            .unwrap_or(Priority::Medium),
            status: parse_field(self.status.as_deref(), Status::parse, "status", STATUSES)?
                .unwrap_or(Status::Open),
            category: blank(self.category),
            language: blank(self.language),
            created_at: self.created_at.unwrap_or_else(Utc::now),
            first_response_at: None,
            resolved_at: None,
            csat: None,
            agent_reply: None,
            agent: None,
            sentiment: None,
            escalate: None,
        })
    }
}

#[utoipa::path(
    post, path = "/tickets", tag = "tickets",
    request_body = NewTicketIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Used as external_id when the body has none")),
    responses(
        (status = 201, description = "Created; analysis is queued", body = Ticket),
        (status = 200, description = "Already created by an earlier request with the same key", body = Ticket),
        (status = 400, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 413, body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    headers: http::HeaderMap,
    ApiJson(input): ApiJson<NewTicketIn>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Area::Tickets)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.trim().is_empty())
        .map(str::to_string);
    let ticket = input.into_ticket(key)?;
    let mut conn = state.pool.acquire().await?;
    let written = TicketWriter::new(SOURCE)
        .write(&mut conn, std::slice::from_ref(&ticket))
        .await?;
    let id = db::tickets::id_by_external(&mut *conn, SOURCE, &ticket.external_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("created ticket not found")))?;
    drop(conn);
    let detail = db::ticket_detail::load(&state.pool, id, 0)
        .await?
        .ok_or_else(|| ApiError::not_found("Ticket"))?;
    let status = if written.inserted == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let location = format!("/api/v1/tickets/{id}");
    Ok((
        status,
        [(http::header::LOCATION, location)],
        axum::Json(Ticket::from(detail)),
    ))
}

#[utoipa::path(
    get, path = "/tickets", tag = "tickets",
    params(ListParams),
    responses(
        (status = 200, body = TicketPage),
        (status = 400, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<axum::Json<TicketPage>, ApiError> {
    user.require(Area::Tickets)?;
    let limit = p.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 200."));
    }
    let cursor = p.cursor.filter(|c| !c.trim().is_empty());
    if let Some(c) = &cursor {
        if db::tickets::Cursor::decode(c).is_none() {
            return Err(ApiError::invalid("cursor is not one this API returned."));
        }
    }
    let q = TicketQuery {
        q: p.q.filter(|v| !v.trim().is_empty()),
        product: p.product,
        channel: parse_field(p.channel.as_deref(), Channel::parse, "channel", CHANNELS)?,
        priority: parse_field(
            p.priority.as_deref(),
            Priority::parse,
            "priority",
            PRIORITIES,
        )?,
        status: parse_field(p.status.as_deref(), Status::parse, "status", STATUSES)?,
        from: p.from,
        to: p.to,
        after: cursor,
        ..TicketQuery::default()
    };
    let (rows, next_cursor) = db::tickets::list(&state.pool, &q, limit).await?;
    let total = db::tickets::count(&state.pool, &q).await?;
    Ok(axum::Json(TicketPage {
        data: rows.into_iter().map(Into::into).collect(),
        total,
        next_cursor,
    }))
}

#[utoipa::path(
    get, path = "/tickets/{id}", tag = "tickets",
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, body = Ticket),
        (status = 401, body = super::error::ErrorBody), (status = 404, body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Ticket>, ApiError> {
    user.require(Area::Tickets)?;
    let detail = db::ticket_detail::load(&state.pool, id, 0)
        .await?
        .ok_or_else(|| ApiError::not_found("Ticket"))?;
    Ok(axum::Json(detail.into()))
}
