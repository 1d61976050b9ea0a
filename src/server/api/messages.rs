//! `/api/v1/tickets/{id}/messages`: read a ticket's thread, append to it (idempotent by the
//! message's external id).

use super::error::ApiError;
use super::extract::{ApiJson, ApiPath, ApiUser};
use crate::domain::message::{MessageKind, MessageView, NewMessage};
use crate::domain::role::Area;
use crate::domain::Channel;
use crate::server::db;
use crate::server::pipeline::conversation::{self, Append};
use crate::server::state::AppState;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One message of a ticket's thread.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Message {
    pub id: i64,
    /// customer, agent, note or system.
    pub kind: String,
    pub author: Option<String>,
    pub channel: String,
    pub created_at: DateTime<Utc>,
    pub external_id: Option<String>,
    pub body: String,
    /// The ticket's own first message.
    pub opening: bool,
    /// negative, neutral or positive, once a customer message is analysed.
    pub sentiment: Option<String>,
    /// From -1 (negative) to 1 (positive), once analysed.
    pub score: Option<f32>,
}

impl From<MessageView> for Message {
    fn from(m: MessageView) -> Self {
        Message {
            id: m.id,
            kind: m.kind,
            author: m.author,
            channel: m.channel,
            created_at: m.created_at,
            external_id: m.external_id,
            body: m.body,
            opening: m.opening,
            sentiment: m.sentiment,
            score: m.score,
        }
    }
}

/// A message to append. `external_id` makes retries safe: the same one twice is stored once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessageIn {
    /// Your id of the message (tweet id, e-mail Message-ID), 1 to 200 characters, not blank.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub external_id: Option<String>,
    /// customer (default), agent, note or system.
    pub kind: Option<String>,
    pub author: Option<String>,
    /// email, chat, phone, social or web (default the ticket's channel).
    pub channel: Option<String>,
    /// When it was written (default now; never before the ticket).
    pub created_at: Option<DateTime<Utc>>,
    #[schema(min_length = 1, pattern = r"\S")]
    pub body: String,
}

impl NewMessageIn {
    fn into_message(self, key: Option<String>) -> Result<NewMessage, ApiError> {
        let blank = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        if self
            .external_id
            .as_deref()
            .is_some_and(|e| e.trim().is_empty())
        {
            return Err(ApiError::invalid(
                "external_id is empty; leave it out, or give the message's own id.",
            ));
        }
        let kind = match blank(self.kind) {
            None => MessageKind::Customer,
            Some(k) => MessageKind::parse(&k).ok_or_else(|| {
                ApiError::invalid(format!(
                    "kind must be one of customer, agent, note, system, not {k:?}."
                ))
            })?,
        };
        let channel = match blank(self.channel) {
            None => None,
            Some(c) => Some(Channel::parse(&c).ok_or_else(|| {
                ApiError::invalid(format!(
                    "channel must be one of email, chat, phone, social, web, not {c:?}."
                ))
            })?),
        };
        let message = NewMessage {
            ticket_ref: String::new(),
            kind,
            author: blank(self.author),
            channel,
            created_at: self.created_at.unwrap_or_else(Utc::now),
            external_id: blank(self.external_id).or(blank(key)),
            body: self.body.trim().to_string(),
        };
        message
            .check_arriving(chrono::Utc::now())
            .map_err(ApiError::invalid)?;
        Ok(message)
    }
}

/// What an append returns: the stored message, and whether it reopened the ticket.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Appended {
    pub ticket_id: i64,
    pub message: Message,
    /// True when this customer message reopened a resolved ticket.
    pub reopened: bool,
}

#[utoipa::path(
    post, path = "/tickets/{id}/messages", tag = "tickets",
    params(
        ("id" = i64, Path, description = "Ticket id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Used as external_id when the body has none"),
    ),
    request_body = NewMessageIn,
    responses(
        (status = 201, description = "Appended; a customer message is analysed and the rules run on the whole conversation", body = Appended),
        (status = 200, description = "Already appended by an earlier request with the same external id", body = Appended),
        (status = 400, description = "A field is invalid (empty body, unknown kind or channel, a time more than a day ahead); nothing was appended", body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody),
        (status = 404, description = "No ticket with this id", body = super::error::ErrorBody),
        (status = 413, body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn append(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
    headers: http::HeaderMap,
    ApiJson(input): ApiJson<NewMessageIn>,
) -> Result<impl IntoResponse, ApiError> {
    user.require(Area::Tickets)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let message = input.into_message(key)?;
    let (stored, reopened) = match conversation::append(&state.pool, id, &message).await? {
        Append::Stored { message, reopened } => (message, reopened),
        Append::NoTicket => {
            return Err(no_ticket(
                id,
                "; nothing was appended (create the ticket with POST /api/v1/tickets first)",
            ))
        }
    };
    let thread = db::messages::thread(&state.pool, id).await?;
    let view = thread
        .into_iter()
        .find(|m| m.id == stored.id)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("appended message not found")))?;
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(Appended {
            ticket_id: id,
            message: view.into(),
            reopened,
        }),
    ))
}

#[utoipa::path(
    get, path = "/tickets/{id}/messages", tag = "tickets",
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The thread in time order", body = Vec<Message>),
        (status = 400, description = "The id is not a number", body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody),
        (status = 404, description = "No ticket with this id", body = super::error::ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<Message>>, ApiError> {
    user.require(Area::Tickets)?;
    if !db::tickets::id_exists(&state.pool, id).await? {
        return Err(no_ticket(id, ""));
    }
    let thread = db::messages::thread(&state.pool, id).await?;
    Ok(axum::Json(thread.into_iter().map(Into::into).collect()))
}

fn no_ticket(id: i64, then: &str) -> ApiError {
    let message = format!("Ticket {id} does not exist{then}.");
    ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
}
