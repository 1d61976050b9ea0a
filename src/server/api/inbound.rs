//! The inbound webhook: `POST /hooks/inbound/{source}` turns a JSON ticket with Zapier or e-mail-parser style fields into one ticket, or a reply into a message of its ticket, however often the sender retries.

use crate::domain::import::NewTicket;
use crate::domain::message::{MessageKind, NewMessage};
use crate::domain::role::Area;
use crate::domain::{Channel, Priority, Status};
use crate::server::api::error::ApiError;
use crate::server::api::extract::ApiUser;
use crate::server::db::{self, ticket_writer::TicketWriter};
use crate::server::pipeline::conversation::{self, Append};
use crate::server::state::AppState;
use crate::server::webhooks::sign;
use axum::extract::{FromRequestParts, Path, State};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use http::StatusCode;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The largest body accepted (an e-mail with its quoted thread fits).
const BODY_LIMIT: usize = 1 << 20;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/hooks/inbound/{source}", axum::routing::post(receive))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
}

/// Authenticates (signature with the source's secret, or an API token allowed to create
/// tickets), maps the fields and writes the ticket: 201 when new, 200 when a retry.
async fn receive(
    State(state): State<AppState>,
    Path(source): Path<String>,
    request: axum::extract::Request,
) -> Result<axum::response::Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let Some(secret) = db::webhooks::inbound_secret(&state.pool, &source).await? else {
        return Err(ApiError::not_found(&format!("Inbound source {source:?}")));
    };
    let body = axum::body::to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "The body is larger than 1 MiB.",
        )
    })?;
    let signature = parts
        .headers
        .get(sign::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match signature {
        Some(header) => {
            sign::verify(&secret, &header, &body, Utc::now().timestamp()).map_err(|why| {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", why.to_string())
            })?
        }
        None if parts.headers.contains_key(http::header::AUTHORIZATION) => {
            ApiUser::from_request_parts(&mut parts, &state)
                .await?
                .require(Area::Tickets)?;
        }
        None => {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                format!(
                    "Sign the body with the source's secret in a {} header, or send an API token \
                     as `Authorization: Bearer <token>`.",
                    sign::SIGNATURE_HEADER
                ),
            ))
        }
    }
    let fields = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return Err(ApiError::invalid("The body must be a JSON object.")),
        Err(e) => {
            return Err(ApiError::invalid(format!(
                "The body is not valid JSON: {e}."
            )))
        }
    };
    let key = parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let ticket = map_fields(&fields, key.clone(), &body).map_err(ApiError::invalid)?;
    if let Some(reference) = parent(&fields) {
        let id = reply_id(&fields, key.as_deref(), &body);
        return append(&state, &source, &reference, &fields, ticket, id).await;
    }
    let mut conn = state.pool.acquire().await?;
    let written = TicketWriter::new(&source)
        .write(&mut conn, std::slice::from_ref(&ticket))
        .await?;
    let id = db::tickets::id_by_external(&mut *conn, &source, &ticket.external_id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("inbound ticket not found")))?;
    let created = written.inserted == 1;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        axum::Json(serde_json::json!({
            "ticket_id": id,
            "external_id": ticket.external_id,
            "created": created,
        })),
    )
        .into_response())
}

/// The id of the ticket or message this one answers, when the sender says so.
fn parent(fields: &Map<String, Value>) -> Option<String> {
    pick(
        fields,
        &[
            "in_reply_to",
            "in_response_to",
            "parent_id",
            "thread_id",
            "conversation_id",
            "ticket_external_id",
        ],
    )
}

/// Appends the mapped message to the ticket `reference` names (its id or one of its messages'
/// ids in this source): 201 when new, 200 when a retry, 404 with the reason when there is no
/// such ticket.
async fn append(
    state: &AppState,
    source: &str,
    reference: &str,
    fields: &Map<String, Value>,
    mapped: NewTicket,
    id: String,
) -> Result<axum::response::Response, ApiError> {
    let Some(ticket_id) = db::messages::ticket_of(&state.pool, source, reference).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!(
                "No ticket of source {source:?} has the id {reference:?} or a message with it; \
                 nothing was appended. Send the first message without a reply-to field to open one."
            ),
        ));
    };
    let message = to_message(fields, mapped, id)?;
    let (stored, reopened) = match conversation::append(&state.pool, ticket_id, &message).await? {
        Append::Stored { message, reopened } => (message, reopened),
        Append::NoTicket => return Err(ApiError::not_found("Ticket")),
    };
    let status = if stored.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let body = serde_json::json!({
        "ticket_id": ticket_id,
        "message_id": stored.id,
        "external_id": message.external_id,
        "created": stored.created,
        "reopened": reopened,
    });
    Ok((status, axum::Json(body)).into_response())
}

/// A reply's own id: its message id, else the request's idempotency key, else a hash of the
/// body. Never `ticket_id`, which in a reply names the ticket (its opening message's id).
fn reply_id(fields: &Map<String, Value>, key: Option<&str>, raw: &[u8]) -> String {
    pick(fields, &["message_id", "external_id", "id"])
        .or(key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(str::to_string))
        .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(raw))))
}

/// A reply's fields as a message: its text (or subject), sender and time from the ticket
/// mapping, and its kind from `kind`/`author_type` (customer by default).
fn to_message(
    fields: &Map<String, Value>,
    t: NewTicket,
    id: String,
) -> Result<NewMessage, ApiError> {
    if id.chars().count() > 200 {
        return Err(ApiError::invalid("The id is limited to 200 characters."));
    }
    let kind = match pick(fields, &["kind", "author_type", "sender_type"]) {
        None => MessageKind::Customer,
        Some(k) => MessageKind::parse(&k).ok_or_else(|| {
            ApiError::invalid(format!(
                "kind must be one of customer, agent, note, system, not {k:?}."
            ))
        })?,
    };
    let explicit_channel = pick(fields, &["channel"]).is_some();
    let message = NewMessage {
        ticket_ref: String::new(),
        kind,
        author: pick(fields, &["author"])
            .or(t.customer_name)
            .or(t.customer_email),
        channel: explicit_channel.then_some(t.channel),
        created_at: t.created_at,
        external_id: Some(id),
        body: if t.body.is_empty() { t.subject } else { t.body },
    };
    message
        .check_arriving(chrono::Utc::now())
        .map_err(ApiError::invalid)?;
    Ok(message)
}

/// Field names as compared: lower case, `-` and spaces as `_`.
fn norm(key: &str) -> String {
    key.trim().to_ascii_lowercase().replace(['-', ' '], "_")
}

/// The first of `keys` present with a non-blank value, as text (numbers too).
fn pick(fields: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|want| {
        fields
            .iter()
            .find(|(k, _)| norm(k) == *want)
            .and_then(|(_, v)| match v {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
    })
}

/// `"Ann Lee <ann@example.com>"` as (name, address); a bare address as (None, address).
fn split_address(text: &str) -> (Option<String>, Option<String>) {
    match (text.rfind('<'), text.rfind('>')) {
        (Some(open), Some(close)) if open < close => {
            let name = text[..open].trim().trim_matches('"').trim();
            let address = text[open + 1..close].trim();
            (
                (!name.is_empty()).then(|| name.to_string()),
                address.contains('@').then(|| address.to_string()),
            )
        }
        _ => (None, text.contains('@').then(|| text.trim().to_string())),
    }
}

/// RFC 3339, RFC 2822 (e-mail `Date:`) or unix seconds.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc2822(text))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            text.parse::<i64>()
                .ok()
                .and_then(|s| DateTime::from_timestamp(s, 0))
        })
}

/// The ticket the fields describe (the mapping the README documents), or why there is none.
/// Without an id field or `Idempotency-Key` the body's SHA-256 is the id, so a retried
/// delivery of the same body is the same ticket.
pub fn map_fields(
    fields: &Map<String, Value>,
    idempotency_key: Option<String>,
    raw: &[u8],
) -> Result<NewTicket, String> {
    let subject = pick(fields, &["subject", "title"]).unwrap_or_default();
    let body = pick(
        fields,
        &[
            "body",
            "body_plain",
            "stripped_text",
            "text",
            "plain",
            "description",
            "message",
            "content",
        ],
    )
    .unwrap_or_default();
    if subject.is_empty() && body.is_empty() {
        return Err(
            "The ticket needs a subject or a body (fields subject/title, body/text/…).".into(),
        );
    }
    if subject.chars().count() > 500 || body.chars().count() > 50_000 {
        return Err("The subject is limited to 500 characters and the body to 50,000.".into());
    }
    let external_id = pick(fields, &["external_id", "id", "message_id", "ticket_id"])
        .or(idempotency_key
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty()))
        .unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(raw))));
    if external_id.len() > 200 {
        return Err("The id is limited to 200 characters.".into());
    }
    let from = fields
        .iter()
        .find(|(k, _)| matches!(norm(k).as_str(), "from" | "sender"))
        .map(|(_, v)| v);
    let (from_name, from_email) = match from {
        Some(Value::String(s)) => split_address(s),
        Some(Value::Object(o)) => (pick(o, &["name"]), pick(o, &["email", "address"])),
        _ => (None, None),
    };
    let email = pick(fields, &["customer_email", "from_email", "email"]).or(from_email);
    let name = pick(fields, &["customer_name", "from_name", "name"]).or(from_name);
    let vocabulary = |key: &str, default: &str| pick(fields, &[key]).unwrap_or(default.into());
    let channel = vocabulary("channel", "email");
    let priority = vocabulary("priority", "medium");
    let created_at = match pick(fields, &["created_at", "date", "timestamp"]) {
        Some(t) => parse_time(&t).ok_or(format!(
            "{t:?} is not a time (RFC 3339, RFC 2822 or unix seconds)."
        ))?,
        None => Utc::now(),
    };
    Ok(NewTicket {
        external_id,
        subject,
        body,
        customer_ref: email.clone(),
        customer_name: name,
        customer_email: email,
        product: pick(fields, &["product"]),
        product_line: None,
        channel: Channel::parse(&channel).ok_or(format!(
            "channel must be one of email, chat, phone, social, web, not {channel:?}."
        ))?,
        priority: Priority::parse(&priority).ok_or(format!(
            "priority must be one of low, medium, high, urgent, not {priority:?}."
        ))?,
        status: Status::Open,
        category: pick(fields, &["category"]),
        language: pick(fields, &["language"]),
        created_at,
        first_response_at: None,
        resolved_at: None,
        csat: None,
        agent_reply: None,
        agent: None,
        sentiment: None,
        escalate: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn email_parser_fields_map_to_a_ticket() {
        let f = fields(serde_json::json!({
            "Subject": "Refund not received",
            "stripped-text": "I was charged twice.",
            "From": "\"Ann Lee\" <ann@example.com>",
            "Message-Id": "<abc@mail.example.com>",
            "Date": "Tue, 24 Nov 2026 09:30:00 +0100",
        }));
        let t = map_fields(&f, None, b"").unwrap();
        assert_eq!(t.subject, "Refund not received");
        assert_eq!(t.body, "I was charged twice.");
        assert_eq!(t.customer_name.as_deref(), Some("Ann Lee"));
        assert_eq!(t.customer_email.as_deref(), Some("ann@example.com"));
        assert_eq!(t.external_id, "<abc@mail.example.com>");
        assert_eq!(t.channel, Channel::Email);
        assert_eq!(t.created_at.to_rfc3339(), "2026-11-24T08:30:00+00:00");
    }

    #[test]
    fn without_an_id_the_key_or_the_body_hash_identifies_the_ticket() {
        let f = fields(serde_json::json!({"title": "Login fails", "id": 42}));
        assert_eq!(map_fields(&f, None, b"x").unwrap().external_id, "42");
        let f = fields(serde_json::json!({"title": "Login fails"}));
        assert_eq!(
            map_fields(&f, Some("k-1".into()), b"x")
                .unwrap()
                .external_id,
            "k-1"
        );
        let a = map_fields(&f, None, br#"{"title":"Login fails"}"#).unwrap();
        let b = map_fields(&f, None, br#"{"title":"Login fails"}"#).unwrap();
        let c = map_fields(&f, None, br#"{"title": "Login fails"}"#).unwrap();
        assert_eq!(a.external_id, b.external_id);
        assert_ne!(a.external_id, c.external_id);
        assert!(a.external_id.starts_with("sha256:"));
    }

    #[test]
    fn a_reply_is_never_identified_by_the_ticket_it_names() {
        let f = fields(serde_json::json!({"ticket_id": "T-1", "in_reply_to": "T-1", "text": "?"}));
        let id = reply_id(&f, None, b"raw");
        assert!(id.starts_with("sha256:"), "{id}");
        assert_eq!(reply_id(&f, Some(" k-2 "), b"raw"), "k-2");
        let f = fields(serde_json::json!({"ticket_id": "T-1", "message_id": "m-9"}));
        assert_eq!(reply_id(&f, Some("k-2"), b"raw"), "m-9");
    }

    #[test]
    fn bad_fields_are_refused_with_the_reason() {
        let empty = fields(serde_json::json!({"from": "a@b.c"}));
        assert!(map_fields(&empty, None, b"")
            .unwrap_err()
            .contains("subject or a body"));
        let channel = fields(serde_json::json!({"subject": "x", "channel": "fax"}));
        assert!(map_fields(&channel, None, b"").unwrap_err().contains("fax"));
        let date = fields(serde_json::json!({"subject": "x", "date": "yesterday"}));
        assert!(map_fields(&date, None, b"")
            .unwrap_err()
            .contains("yesterday"));
    }
}
