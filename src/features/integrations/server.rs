//! Server side of the integrations page.

use super::{Created, Integrations};
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::state::AppState;
use crate::server::webhooks::sign;
use sqlx::PgPool;

/// The page's data; `delivery` picks a delivery whose attempt log is shown.
pub async fn integrations(
    pool: &PgPool,
    status: Option<String>,
    delivery: Option<String>,
) -> Result<Integrations, AppError> {
    use super::{AttemptView, STATUSES};
    let status = status.filter(|s| STATUSES.contains(&s.as_str()));
    let subscriptions = db::webhooks::list(pool).await?;
    let deliveries = db::webhooks::recent(pool, status.as_deref(), 50).await?;
    let attempts = match delivery.filter(|d| !d.is_empty()) {
        Some(id) => {
            let log = db::webhooks::attempts(pool, &id)
                .await?
                .into_iter()
                .map(|a| AttemptView {
                    attempt: a.attempt,
                    started_at: a.started_at,
                    duration_ms: a.duration_ms,
                    request_headers: a
                        .request_headers
                        .as_object()
                        .map(|m| {
                            m.iter()
                                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                                .collect()
                        })
                        .unwrap_or_default(),
                    status_code: a.status_code,
                    response_excerpt: a.response_excerpt,
                    error: a.error,
                })
                .collect();
            Some((id, log))
        }
        None => None,
    };
    let inbound = db::webhooks::inbound(pool).await?;
    Ok(Integrations {
        subscriptions,
        deliveries,
        status,
        attempts,
        inbound,
    })
}

/// Subscribes `url` to `events`; answers the signing secret, shown this once.
pub async fn create_subscription(
    state: &AppState,
    user: &CurrentUser,
    name: String,
    url: String,
    events: Vec<String>,
) -> Result<Created, AppError> {
    use super::EVENTS;
    let name = AppError::check_text(&name, 100, "Name the subscription (up to 100 characters).")?
        .to_string();
    let url = url.trim().to_string();
    let parsed = reqwest::Url::parse(&url).ok();
    if !parsed.is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()) {
        return Err(AppError::Invalid(format!(
            "{url:?} is not an http:// or https:// address."
        )));
    }
    let mut chosen: Vec<String> = EVENTS
        .iter()
        .filter(|e| events.iter().any(|c| c == *e))
        .map(|e| e.to_string())
        .collect();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(AppError::Invalid("Choose at least one event.".into()));
    }
    let secret = sign::new_secret();
    let id =
        db::webhooks::create(&state.pool, &name, &url, &chosen, &secret, Some(user.id)).await?;
    tracing::info!(user = %user.email, subscription = id, events = ?chosen, "webhook subscription created");
    Ok(Created { name, secret })
}

/// Adds a source that may post tickets to `/hooks/inbound/{source}`; answers its signing secret.
pub async fn create_inbound(
    state: &AppState,
    user: &CurrentUser,
    source: String,
) -> Result<Created, AppError> {
    let source = source.trim().to_ascii_lowercase();
    let valid = (1..=40).contains(&source.len())
        && source
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !source.starts_with(['-', '_']);
    if !valid {
        return Err(AppError::Invalid(
            "A source name is 1–40 lowercase letters, digits, '-' or '_', e.g. zapier.".into(),
        ));
    }
    let secret = sign::new_secret();
    if !db::webhooks::create_inbound(&state.pool, &source, &secret, Some(user.id)).await? {
        return Err(AppError::Invalid(format!(
            "There is already an inbound source named {source}."
        )));
    }
    tracing::info!(user = %user.email, source = %source, "inbound webhook source created");
    Ok(Created {
        name: source,
        secret,
    })
}
