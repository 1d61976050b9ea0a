//! SQL for a ticket's thread: reading it in order, appending to it, and the messages of an import.

use crate::domain::message::{MessageView, NewMessage};
use sqlx::{PgConnection, PgExecutor};
use std::borrow::Cow;

/// Text without NUL characters, which PostgreSQL text cannot hold (the ticket writer drops them
/// too).
fn nul_free(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', ""))
    } else {
        Cow::Borrowed(s)
    }
}

fn nul_free_opt(s: &Option<String>) -> Option<Cow<'_, str>> {
    s.as_deref().map(nul_free)
}

/// The thread of a ticket in time order, each customer message with its sentiment (the opening
/// one carries the ticket's).
pub async fn thread(db: impl PgExecutor<'_>, ticket_id: i64) -> sqlx::Result<Vec<MessageView>> {
    sqlx::query_as(
        "SELECT m.id, m.kind, m.author, m.channel, m.created_at, m.external_id, m.body, m.opening,
                CASE WHEN m.opening THEN t.sentiment ELSE a.sentiment END AS sentiment,
                CASE WHEN m.opening THEN t.sentiment_score ELSE a.sentiment_score END AS score,
                (SELECT li.label FROM labelled_items li JOIN labelled_sets s ON s.id = li.set_id
                 WHERE li.message_id = m.id AND s.name = $2) AS correction
         FROM messages m
         LEFT JOIN message_analysis a ON a.message_id = m.id
         LEFT JOIN ticket_analysis t ON t.ticket_id = m.ticket_id AND m.opening
         WHERE m.ticket_id = $1
         ORDER BY m.created_at, m.opening DESC, m.id",
    )
    .bind(ticket_id)
    .bind(super::labelled::CORRECTIONS_SET)
    .fetch_all(db)
    .await
}

/// Whether an append stored a new message or found it stored already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub id: i64,
    pub created: bool,
}

/// Appends a message to ticket `ticket_id` (which the caller checked exists); a message whose
/// external id the ticket already holds is not stored again.
pub async fn append(
    tx: &mut PgConnection,
    ticket_id: i64,
    m: &NewMessage,
) -> sqlx::Result<Appended> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO messages (ticket_id, kind, author, channel, created_at, external_id, body)
         SELECT t.id, $2, $3, coalesce($4, t.channel), greatest($5, t.created_at), $6, $7
         FROM tickets t WHERE t.id = $1
         ON CONFLICT (ticket_id, external_id) DO NOTHING
         RETURNING id",
    )
    .bind(ticket_id)
    .bind(m.kind.as_str())
    .bind(nul_free_opt(&m.author))
    .bind(m.channel.map(|c| c.as_str()))
    .bind(m.created_at)
    .bind(nul_free_opt(&m.external_id))
    .bind(nul_free(&m.body))
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = inserted {
        return Ok(Appended { id, created: true });
    }
    let id =
        sqlx::query_scalar("SELECT id FROM messages WHERE ticket_id = $1 AND external_id = $2")
            .bind(ticket_id)
            .bind(nul_free_opt(&m.external_id))
            .fetch_one(&mut *tx)
            .await?;
    Ok(Appended { id, created: false })
}

/// Records a reply an agent sent from TicketLens as an agent message signed with their name.
pub async fn add_agent_reply(
    tx: &mut PgConnection,
    ticket_id: i64,
    user_id: Option<i64>,
    body: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO messages (ticket_id, kind, author, channel, created_at, body)
         SELECT t.id, 'agent', coalesce((SELECT name FROM users WHERE id = $2), 'TicketLens'),
                t.channel, greatest(now(), t.created_at), $3
         FROM tickets t WHERE t.id = $1
         RETURNING id",
    )
    .bind(ticket_id)
    .bind(user_id)
    .bind(body)
    .fetch_one(&mut *tx)
    .await
}

/// What storing an import's messages did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MessageBatch {
    pub inserted: u64,
    pub duplicates: u64,
    /// Positions (0-based) of the messages whose ticket ref names no ticket of the source.
    pub orphans: Vec<usize>,
}

/// Stores messages of tickets of `source`, each found by its `ticket_ref`; a message whose
/// external id its ticket holds already is a duplicate.
pub async fn store_for_source(
    conn: &mut PgConnection,
    source: &str,
    messages: &[NewMessage],
) -> sqlx::Result<MessageBatch> {
    let refs: Vec<Cow<str>> = messages.iter().map(|m| nul_free(&m.ticket_ref)).collect();
    let kinds: Vec<&str> = messages.iter().map(|m| m.kind.as_str()).collect();
    let authors: Vec<Option<Cow<str>>> = messages.iter().map(|m| nul_free_opt(&m.author)).collect();
    let channels: Vec<Option<&str>> = messages
        .iter()
        .map(|m| m.channel.map(|c| c.as_str()))
        .collect();
    let times: Vec<chrono::DateTime<chrono::Utc>> = messages.iter().map(|m| m.created_at).collect();
    let ids: Vec<Option<Cow<str>>> = messages
        .iter()
        .map(|m| nul_free_opt(&m.external_id))
        .collect();
    let bodies: Vec<Cow<str>> = messages.iter().map(|m| nul_free(&m.body)).collect();
    let (inserted, orphans): (i64, Vec<i64>) = sqlx::query_as(
        "WITH given AS (
             SELECT * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[],
                                  $6::timestamptz[], $7::text[], $8::text[]) WITH ORDINALITY
                 AS g(ref, kind, author, channel, created_at, external_id, body, ord)),
         matched AS (
             SELECT g.*, t.id AS ticket_id, t.channel AS ticket_channel,
                    t.created_at AS ticket_created
             FROM given g LEFT JOIN tickets t ON t.source = $1 AND t.external_id = g.ref),
         ins AS (
             INSERT INTO messages (ticket_id, kind, author, channel, created_at, external_id, body)
             SELECT ticket_id, kind, author, coalesce(channel, ticket_channel),
                    greatest(created_at, ticket_created), external_id, body
             FROM matched WHERE ticket_id IS NOT NULL
             ON CONFLICT (ticket_id, external_id) DO NOTHING
             RETURNING 1)
         SELECT (SELECT count(*) FROM ins),
                ARRAY(SELECT ord FROM matched WHERE ticket_id IS NULL ORDER BY ord)",
    )
    .bind(source)
    .bind(&refs)
    .bind(&kinds)
    .bind(&authors)
    .bind(&channels)
    .bind(&times)
    .bind(&ids)
    .bind(&bodies)
    .fetch_one(&mut *conn)
    .await?;
    let inserted = inserted as u64;
    let duplicates = (messages.len() - orphans.len()) as u64 - inserted;
    Ok(MessageBatch {
        inserted,
        duplicates,
        orphans: orphans.into_iter().map(|o| o as usize - 1).collect(),
    })
}

/// A customer message waiting for analysis.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageText {
    pub id: i64,
    pub ticket_id: i64,
    pub body: String,
}

pub async fn texts(db: impl PgExecutor<'_>, ids: &[i64]) -> sqlx::Result<Vec<MessageText>> {
    sqlx::query_as("SELECT id, ticket_id, body FROM messages WHERE id = ANY($1) ORDER BY id")
        .bind(ids)
        .fetch_all(db)
        .await
}

/// One analysed message, ready to store.
pub struct MessageScore {
    pub message_id: i64,
    pub ticket_id: i64,
    pub label: String,
    pub score: f32,
    pub engine: String,
    pub version: String,
    pub reason: Option<String>,
    pub embedding: Vec<f32>,
}

/// Stores the messages' analysis (replacing an older one) and refreshes their tickets'
/// trajectories.
pub async fn store_analysis(tx: &mut PgConnection, rows: &[MessageScore]) -> sqlx::Result<()> {
    let ids: Vec<i64> = rows.iter().map(|r| r.message_id).collect();
    let tickets: Vec<i64> = rows.iter().map(|r| r.ticket_id).collect();
    super::tickets::lock_for_analysis(tx, &tickets).await?;
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    let scores: Vec<f32> = rows.iter().map(|r| r.score.clamp(-1.0, 1.0)).collect();
    let engines: Vec<&str> = rows.iter().map(|r| r.engine.as_str()).collect();
    let versions: Vec<&str> = rows.iter().map(|r| r.version.as_str()).collect();
    let vectors: Vec<pgvector::Vector> = rows
        .iter()
        .map(|r| pgvector::Vector::from(r.embedding.clone()))
        .collect();
    sqlx::query(
        "INSERT INTO message_analysis (message_id, ticket_id, sentiment, sentiment_score,
                                       sentiment_engine, sentiment_version, embedding,
                                       sentiment_reason)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::real[], $5::text[],
                              $6::text[], $7::vector[], $8::text[])
         ON CONFLICT (message_id) DO UPDATE
           SET sentiment = EXCLUDED.sentiment, sentiment_score = EXCLUDED.sentiment_score,
               sentiment_engine = EXCLUDED.sentiment_engine,
               sentiment_version = EXCLUDED.sentiment_version,
               sentiment_reason = EXCLUDED.sentiment_reason,
               embedding = EXCLUDED.embedding, analysed_at = now()",
    )
    .bind(&ids)
    .bind(&tickets)
    .bind(&labels)
    .bind(&scores)
    .bind(&engines)
    .bind(&versions)
    .bind(&vectors)
    .bind(rows.iter().map(|r| r.reason.as_deref()).collect::<Vec<_>>())
    .execute(&mut *tx)
    .await?;
    refresh_trajectories(tx, &tickets).await
}

/// Recomputes the latest and lowest score and the count of scored customer messages of tickets.
pub async fn refresh_trajectories(tx: &mut PgConnection, tickets: &[i64]) -> sqlx::Result<()> {
    let mut ids = tickets.to_vec();
    ids.sort_unstable();
    ids.dedup();
    sqlx::query("SELECT refresh_trajectory($1)")
        .bind(&ids)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Reopens a resolved ticket when its customer writes again; returns whether it did.
pub async fn reopen_on_reply(
    tx: &mut PgConnection,
    ticket_id: i64,
    written_at: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE tickets SET status = 'open', resolved_at = NULL
         WHERE id = $1 AND status = 'resolved' AND coalesce(resolved_at <= $2, true)",
    )
    .bind(ticket_id)
    .bind(written_at)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The ticket of `source` whose own external id, or one of whose messages' ids, is `reference`.
pub async fn ticket_of(
    db: impl PgExecutor<'_>,
    source: &str,
    reference: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM (
             SELECT t.id, 0 AS rank FROM tickets t WHERE t.source = $1 AND t.external_id = $2
             UNION ALL
             SELECT m.ticket_id, 1 FROM messages m JOIN tickets t ON t.id = m.ticket_id
             WHERE m.external_id = $2 AND t.source = $1) found
         ORDER BY rank LIMIT 1",
    )
    .bind(source)
    .bind(reference)
    .fetch_optional(db)
    .await
}

/// Records an agent message from outside as the ticket's (and its escalation's) first response,
/// at the message's time, when none is recorded yet.
pub async fn first_response_at(
    tx: &mut PgConnection,
    ticket_id: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE tickets SET first_response_at = greatest($2, created_at)
         WHERE id = $1 AND first_response_at IS NULL",
    )
    .bind(ticket_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE escalations SET first_response_at = greatest($2, (SELECT created_at FROM tickets WHERE id = $1)),
                                updated_at = now()
         WHERE ticket_id = $1 AND first_response_at IS NULL",
    )
    .bind(ticket_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
