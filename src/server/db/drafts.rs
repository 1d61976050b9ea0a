//! SQL for reply drafts: store one per ticket, send or reject it once, and the acceptance figures per method and version.

use crate::domain::draft::{Acceptance, Draft, DraftView};
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{PgExecutor, PgPool};

/// Stores `draft` as the ticket's pending draft unless it already has one, or already got a
/// pipeline reply (sent or rejected); returns the new row's id.
pub async fn insert(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
    draft: &Draft,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO responses (ticket_id, method, body, status, version, sources, fallback, original_body)
         SELECT $1, $2, $3, 'draft', $4, $5, $6, $3
         WHERE NOT EXISTS (SELECT 1 FROM responses WHERE ticket_id = $1 AND method <> 'agent')
         ON CONFLICT (ticket_id) WHERE status = 'draft' DO NOTHING
         RETURNING id",
    )
    .bind(ticket_id)
    .bind(draft.method.as_str())
    .bind(&draft.body)
    .bind(&draft.version)
    .bind(Json(&draft.sources))
    .bind(&draft.fallback)
    .fetch_optional(db)
    .await
}

/// Replaces the ticket's pending draft (an agent asked for a new one); returns the new id.
pub async fn replace_pending(
    pool: &PgPool,
    ticket_id: i64,
    draft: &Draft,
) -> sqlx::Result<Option<i64>> {
    let mut tx = pool.begin().await?;
    delete_pending(&mut tx, ticket_id).await?;
    let id = insert_pending(&mut tx, ticket_id, draft).await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces the ticket's pending draft if it still has one (none when an agent sent or rejected
/// it meanwhile), in the caller's transaction; returns the new id.
pub async fn replace_if_pending(
    tx: &mut sqlx::PgConnection,
    ticket_id: i64,
    draft: &Draft,
) -> sqlx::Result<Option<i64>> {
    if !delete_pending(tx, ticket_id).await? {
        return Ok(None);
    }
    insert_pending(tx, ticket_id, draft).await
}

async fn delete_pending(tx: &mut sqlx::PgConnection, ticket_id: i64) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM responses WHERE ticket_id = $1 AND status = 'draft'")
        .bind(ticket_id)
        .execute(tx)
        .await
        .map(|r| r.rows_affected() > 0)
}

async fn insert_pending(
    tx: &mut sqlx::PgConnection,
    ticket_id: i64,
    draft: &Draft,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO responses (ticket_id, method, body, status, version, sources, fallback, original_body)
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $3) RETURNING id",
    )
    .bind(ticket_id)
    .bind(draft.method.as_str())
    .bind(&draft.body)
    .bind(&draft.version)
    .bind(Json(&draft.sources))
    .bind(&draft.fallback)
    .fetch_optional(tx)
    .await
}

/// Tickets among `ids` whose pending draft was written before their latest customer message
/// arrived: it answers an earlier message.
pub async fn outdated_pending(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar(
        "SELECT r.ticket_id FROM responses r
         WHERE r.ticket_id = ANY($1) AND r.status = 'draft'
           AND EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = r.ticket_id
                         AND m.kind = 'customer' AND m.added_at > r.created_at)
         ORDER BY 1",
    )
    .bind(ids)
    .fetch_all(db)
    .await
}

pub async fn of_ticket(db: impl PgExecutor<'_>, ticket_id: i64) -> sqlx::Result<Option<DraftView>> {
    sqlx::query_as(
        "SELECT r.id, r.method, COALESCE(r.version, '') AS version, r.body, r.original_body, r.status, r.sources,
                r.fallback, r.edit_distance, r.reject_reason, u.name AS reviewer, r.created_at,
                r.reviewed_at
         FROM responses r LEFT JOIN users u ON u.id = r.author_id
         WHERE r.ticket_id = $1 AND r.method <> 'agent'
         ORDER BY (r.status = 'draft') DESC, r.id DESC LIMIT 1",
    )
    .bind(ticket_id)
    .fetch_optional(db)
    .await
}

/// What happened to a send or reject request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// Done; the address the reply is e-mailed to, if it is.
    Done(Option<String>),
    /// The draft does not exist, belongs to another ticket, or was already sent or rejected.
    NotPending,
}

/// Locks a pending draft of the ticket for sending; its generated text, or None when it is not
/// pending (already sent or rejected, or another ticket's).
pub async fn lock_pending(
    tx: &mut sqlx::PgConnection,
    ticket_id: i64,
    draft_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT COALESCE(original_body, body) FROM responses
         WHERE id = $1 AND ticket_id = $2 AND status = 'draft' FOR UPDATE",
    )
    .bind(draft_id)
    .bind(ticket_id)
    .fetch_optional(&mut *tx)
    .await
}

/// Marks a locked draft sent as `body`, `distance` edits away from what was generated.
pub async fn mark_sent(
    tx: &mut sqlx::PgConnection,
    draft_id: i64,
    user_id: i64,
    body: &str,
    distance: i32,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE responses SET status = 'sent', body = $2, edit_distance = $3, author_id = $4,
                delivery = 'manual', sent_at = now(), reviewed_at = now()
         WHERE id = $1",
    )
    .bind(draft_id)
    .bind(body)
    .bind(distance)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Rejects a pending draft with the agent's reason.
pub async fn reject(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
    draft_id: i64,
    user_id: i64,
    reason: &str,
) -> sqlx::Result<Review> {
    let done = sqlx::query(
        "UPDATE responses SET status = 'rejected', reject_reason = $3, author_id = $4,
                reviewed_at = now()
         WHERE id = $1 AND ticket_id = $2 AND status = 'draft'",
    )
    .bind(draft_id)
    .bind(ticket_id)
    .bind(reason)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(if done.rows_affected() == 1 {
        Review::Done(None)
    } else {
        Review::NotPending
    })
}

pub async fn acceptance(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<Acceptance>> {
    sqlx::query_as(
        "SELECT method, COALESCE(version, '') AS version, count(*) AS drafted,
                count(*) FILTER (WHERE status = 'draft') AS pending,
                count(*) FILTER (WHERE status = 'sent' AND edit_distance = 0) AS sent_unchanged,
                count(*) FILTER (WHERE status = 'sent' AND edit_distance > 0) AS sent_edited,
                count(*) FILTER (WHERE status = 'rejected') AS rejected,
                avg(edit_distance::float8 / greatest(length(original_body), 1))
                    FILTER (WHERE status = 'sent') AS mean_edit_ratio,
                avg(edit_distance::float8) FILTER (WHERE status = 'sent') AS mean_edit_distance
         FROM responses WHERE method <> 'agent' AND original_body IS NOT NULL
         GROUP BY method, version ORDER BY method, version",
    )
    .fetch_all(db)
    .await
}

/// Whether the ticket is (or was) escalated and not sent back by an agent: such tickets get no
/// automatic draft.
pub async fn escalated(db: impl PgExecutor<'_>, ticket_id: i64) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM escalations WHERE ticket_id = $1 AND status <> 'de_escalated')",
    )
        .bind(ticket_id)
        .fetch_one(db)
        .await
}

/// A ticket's body and the customer's `limit` most recent other tickets (subject, status, created).
pub async fn body_and_history(
    pool: &PgPool,
    ticket_id: i64,
    limit: i64,
) -> sqlx::Result<(String, Vec<(String, String, DateTime<Utc>)>)> {
    let body: String = sqlx::query_scalar("SELECT body FROM tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_one(pool)
        .await?;
    let history = sqlx::query_as(
        "SELECT o.subject, o.status, o.created_at FROM tickets t
         JOIN tickets o ON o.customer_id = t.customer_id AND o.id <> t.id
         WHERE t.id = $1 ORDER BY o.created_at DESC, o.id DESC LIMIT $2",
    )
    .bind(ticket_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok((body, history))
}
