//! Server side of the tickets page: what its server functions do once the role is checked.

use super::{TicketDetail, TicketList, TicketQuery};
use crate::domain::role::CurrentUser;
use crate::domain::SentimentLabel;
use crate::error::AppError;
use crate::server::db;
use crate::server::state::AppState;

/// One page of tickets matching `query`, with the total, the next page's cursor and the products
/// to filter by.
pub async fn list_tickets(state: &AppState, query: TicketQuery) -> Result<TicketList, AppError> {
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

/// One ticket with its thread, the trajectory drawn, and the customer's last 20 other tickets.
pub async fn ticket(state: &AppState, id: i64) -> Result<TicketDetail, AppError> {
    let mut t = db::ticket_detail::load(&state.pool, id, 20)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(a) = t.analysis.as_mut() {
        a.evidence = evidence(state, a, &t.subject, &t.body).await?;
    }
    let scores = crate::domain::message::customer_scores(&t.thread);
    if scores.len() >= 2 {
        let title = "Sentiment of each customer message";
        t.trajectory_svg = Some(crate::server::charts::trajectory::trajectory(
            &scores, title,
        )?);
    }
    Ok(t)
}

/// The words behind a stored label: from the active engine when it scored the ticket, from the
/// lexicon's word list when the lexicon did (any version), else none.
async fn evidence(
    state: &AppState,
    a: &crate::domain::ticket_view::SentimentView,
    subject: &str,
    body: &str,
) -> Result<Vec<crate::domain::ticket_view::Evidence>, AppError> {
    use crate::server::pipeline::sentiment::local::Features;
    use crate::server::pipeline::sentiment::{engine::Engine, explain};
    let Some(label) = SentimentLabel::parse(&a.label) else {
        return Ok(Vec::new());
    };
    let text = db::analysis::joined_text(subject, body);
    let jobs = &state.jobs;
    let engine = jobs
        .sentiment
        .current(&state.pool, jobs.llm.clone(), jobs.embedder.config())
        .await?;
    Ok(if engine.version() == a.version {
        match &*engine {
            // Occlusion re-embeds the text once per word: only for models that read embeddings.
            Engine::Local { model, encoder, .. } if model.options.features != Features::Tfidf => {
                let encoder = encoder.clone().unwrap_or_else(|| jobs.embedder.clone());
                explain::word_attributions(model, encoder, &text, label).await?
            }
            engine => explain::evidence(engine, &text, label),
        }
    } else if a.engine == "lexicon" {
        explain::lexicon_evidence(&text)
    } else {
        Vec::new()
    })
}

/// Records an agent's correction of a ticket's sentiment; it becomes a gold label in the set
/// "Agent corrections".
pub async fn correct_sentiment(
    state: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    label: String,
) -> Result<(), AppError> {
    let label = SentimentLabel::parse(&label)
        .ok_or_else(|| AppError::Invalid("Unknown sentiment.".into()))?;
    let pool = &state.pool;
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

/// Records an agent's correction of a later customer message's sentiment in the same set.
pub async fn correct_message_sentiment(
    state: &AppState,
    user: &CurrentUser,
    message_id: i64,
    label: String,
) -> Result<(), AppError> {
    let label = SentimentLabel::parse(&label)
        .ok_or_else(|| AppError::Invalid("Unknown sentiment.".into()))?;
    let mut tx = state.pool.begin().await?;
    let set_id = db::labelled::ensure(
        &mut *tx,
        db::labelled::CORRECTIONS_SET,
        "corrections",
        Some(user.id),
    )
    .await?;
    let Some(ticket_id) =
        db::labelled::correct_message(&mut tx, set_id, message_id, label.as_str(), user.id).await?
    else {
        // The opening message is labelled on its ticket; notes and replies have no gold label.
        leptos_axum::redirect(&format!(
            "/tickets?error={}",
            crate::domain::url::encode("No later customer message with this id.")
        ));
        return Ok(());
    };
    tx.commit().await?;
    tracing::info!(user = %user.email, message_id, %label, "message sentiment corrected");
    leptos_axum::redirect(&format!(
        "/tickets/{ticket_id}?ok=Saved&at={}",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}

/// Rows per page of the ticket list.
pub const PAGE_SIZE: i64 = 50;
