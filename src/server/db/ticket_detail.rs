//! The full ticket as the Ticket page and the REST API show it: the ticket, its analysis, the
//! agent's sentiment correction, its category and the customer's other tickets.

use crate::domain::message::{customer_scores, place_spans, Trajectory};
use crate::domain::ticket_view::{CategoryView, SentimentView, TicketDetail};

/// A ticket with its analysis, sentiment correction and category, and up to `history` of the
/// customer's other tickets (also what the REST API returns).
pub async fn load(
    pool: &sqlx::PgPool,
    id: i64,
    history: i64,
) -> sqlx::Result<Option<TicketDetail>> {
    let Some(mut t) = super::tickets::detail(pool, id, history).await? else {
        return Ok(None);
    };
    let stored = super::analysis::of_ticket(pool, id).await?;
    let spans = stored
        .as_ref()
        .and_then(|a| a.escalation.as_ref())
        .map(|d| d.0.spans())
        .unwrap_or_default();
    t.thread = super::messages::thread(pool, id).await?;
    place_spans(&mut t.thread, &t.subject, &spans);
    t.trajectory = Trajectory::of(&customer_scores(&t.thread));
    t.analysis = stored.map(|a| SentimentView {
        label: a.sentiment,
        score: a.sentiment_score,
        engine: a.sentiment_engine,
        version: a.sentiment_version,
        analysed_at: a.analysed_at,
        evidence: Vec::new(),
        reason: a.sentiment_reason,
    });
    t.correction = super::labelled::ticket_correction(pool, id).await?;
    let c = super::categories::of_ticket(pool, id).await?;
    t.category_view = CategoryView {
        predicted: c.predicted,
        confidence: c.confidence,
        model: c.version.zip(c.engine).map(|(v, e)| format!("v{v} · {e}")),
        corrected: c.corrected,
        known: super::categories::known(pool).await?,
    };
    Ok(Some(t))
}
