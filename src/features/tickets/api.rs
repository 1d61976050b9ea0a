//! Server functions for the Tickets and Ticket pages.

use super::{TicketDetail, TicketList, TicketQuery};
use crate::error::AppError;
use leptos::prelude::*;

/// Rows per page of the ticket list.
pub const PAGE_SIZE: i64 = 50;

#[server(endpoint = "tickets")]
pub async fn list_tickets(query: TicketQuery) -> Result<TicketList, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, db, state::app_state};
    auth::require(Area::Tickets)?;
    let state = app_state()?;
    let (rows, next_cursor) = db::tickets::list(&state.pool, &query, PAGE_SIZE).await?;
    let total = db::tickets::count(&state.pool, &query).await?;
    let products = db::tickets::products(&state.pool).await?;
    let cluster = match query.cluster {
        Some(id) => db::clusters::label(&state.pool, id).await?,
        None => None,
    };
    Ok(TicketList {
        cluster,
        rows,
        total,
        next_cursor,
        products,
    })
}

#[server(endpoint = "ticket")]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    use crate::domain::role::Area;
    use crate::server::{auth, state::app_state};
    auth::require(Area::Tickets)?;
    let state = app_state()?;
    load_detail(&state.pool, id, 20)
        .await?
        .ok_or(AppError::NotFound)
}

/// A ticket with its analysis, sentiment correction and category, and up to `history` of the
/// customer's other tickets (also what the REST API returns).
#[cfg(feature = "ssr")]
pub async fn load_detail(
    pool: &sqlx::PgPool,
    id: i64,
    history: i64,
) -> sqlx::Result<Option<TicketDetail>> {
    use crate::server::db;
    let Some(mut t) = db::tickets::detail(pool, id, history).await? else {
        return Ok(None);
    };
    t.analysis = db::analysis::of_ticket(pool, id)
        .await?
        .map(|a| super::SentimentView {
            label: a.sentiment,
            score: a.sentiment_score,
            engine: a.sentiment_engine,
            version: a.sentiment_version,
            analysed_at: a.analysed_at,
        });
    t.correction = db::labelled::ticket_correction(pool, id).await?;
    let c = db::categories::of_ticket(pool, id).await?;
    t.category_view = super::CategoryView {
        predicted: c.predicted,
        confidence: c.confidence,
        model: c.version.zip(c.engine).map(|(v, e)| format!("v{v} · {e}")),
        corrected: c.corrected,
        known: db::categories::known(pool).await?,
    };
    Ok(Some(t))
}

/// Records an agent's correction of a ticket's sentiment; it becomes a gold label in the set
/// "Agent corrections".
#[server(endpoint = "ticket/correct")]
pub async fn correct_sentiment(ticket_id: i64, label: String) -> Result<(), AppError> {
    use crate::domain::{role::Area, SentimentLabel};
    use crate::server::{auth, db, state::app_state};
    let user = auth::require(Area::Tickets)?;
    let label = SentimentLabel::parse(&label)
        .ok_or_else(|| AppError::Invalid("Unknown sentiment.".into()))?;
    let pool = &app_state()?.pool;
    let set_id = db::labelled::ensure(
        pool,
        db::labelled::CORRECTIONS_SET,
        "corrections",
        Some(user.id),
    )
    .await?;
    db::labelled::correct_ticket(pool, set_id, ticket_id, label.as_str(), user.id).await?;
    tracing::info!(user = %user.email, ticket_id, %label, "sentiment corrected");
    leptos_axum::redirect(&format!(
        "/tickets/{ticket_id}?ok=Saved&at={}",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}
