//! Server side of the integrations page.

use super::Integrations;
use crate::error::AppError;

use sqlx::PgPool;

/// What `api::get_integrations` answers.
pub async fn integrations(
    pool: &PgPool,
    status: Option<String>,
    delivery: Option<String>,
) -> Result<Integrations, AppError> {
    use super::{AttemptView, DeliveryView, InboundView, SubscriptionView, STATUSES};
    use crate::server::db;
    let status = status.filter(|s| STATUSES.contains(&s.as_str()));
    let subscriptions = db::webhooks::list(pool)
        .await?
        .into_iter()
        .map(|s| SubscriptionView {
            id: s.id,
            name: s.name,
            url: s.url,
            events: s.events,
            active: s.active,
            created_at: s.created_at,
            pending: s.pending,
            delivered: s.delivered,
            dead: s.dead,
        })
        .collect();
    let deliveries = db::webhooks::recent(pool, status.as_deref(), 50)
        .await?
        .into_iter()
        .map(|d| DeliveryView {
            id: d.id,
            subscription: d.subscription,
            kind: d.kind,
            event_id: d.event_id,
            status: d.status,
            attempts: d.attempts,
            last_code: d.last_code,
            last_error: d.last_error,
            created_at: d.created_at,
            next_attempt_at: d.next_attempt_at,
        })
        .collect();
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
    let inbound = db::webhooks::inbound(pool)
        .await?
        .into_iter()
        .map(|i| InboundView {
            source: i.source,
            created_at: i.created_at,
            tickets: i.tickets,
        })
        .collect();
    Ok(Integrations {
        subscriptions,
        deliveries,
        status,
        attempts,
        inbound,
    })
}
