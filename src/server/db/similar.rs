//! SQL for similar resolved tickets: pgvector HNSW cosine search, optionally within the same product.

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgPool};

/// How many candidates the HNSW search keeps (pgvector's `hnsw.ef_search`); measured in
/// docs/benchmarks.md to give recall@10 ≥ 0.95.
pub const EF_SEARCH: i32 = 200;

/// A resolved ticket close to the one asked about, with its reply and outcome.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SimilarTicket {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub product: Option<String>,
    /// Cosine similarity in [-1, 1].
    pub similarity: f64,
    /// The last reply sent from TicketLens, else the imported agent reply.
    pub reply: Option<String>,
    pub csat: Option<i16>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The `k` resolved tickets nearest to `ticket_id` by embedding (cosine), best first; empty when
/// the ticket has no embedding yet. The index is searched iteratively, so the status and product
/// filters still return `k` rows when enough match.
pub async fn similar(
    pool: &PgPool,
    ticket_id: i64,
    k: i64,
    same_product: bool,
) -> sqlx::Result<Vec<SimilarTicket>> {
    let mut tx = pool.begin().await?;
    sqlx::query(&format!("SET LOCAL hnsw.ef_search = {EF_SEARCH}"))
        .execute(&mut *tx)
        .await?;
    sqlx::query("SET LOCAL hnsw.iterative_scan = relaxed_order")
        .execute(&mut *tx)
        .await?;
    let rows = sqlx::query_as(
        "WITH me AS (
           SELECT e.embedding, t.product_id FROM ticket_embeddings e
           JOIN tickets t ON t.id = e.ticket_id WHERE e.ticket_id = $1),
         near AS (
           SELECT e.ticket_id, e.embedding <=> (SELECT embedding FROM me) AS distance
           FROM ticket_embeddings e JOIN tickets t ON t.id = e.ticket_id
           WHERE (SELECT embedding FROM me) IS NOT NULL
             AND t.status IN ('resolved', 'closed') AND t.id <> $1
             AND (NOT $3 OR t.product_id IS NOT DISTINCT FROM (SELECT product_id FROM me))
           ORDER BY e.embedding <=> (SELECT embedding FROM me)
           LIMIT $2)
         SELECT t.id, t.subject, t.body, p.name AS product,
                (1 - n.distance)::float8 AS similarity,
                COALESCE((SELECT r.body FROM responses r
                          WHERE r.ticket_id = t.id AND r.status = 'sent'
                          ORDER BY r.id DESC LIMIT 1), t.agent_reply) AS reply,
                t.csat, t.resolved_at
         FROM near n JOIN tickets t ON t.id = n.ticket_id
         LEFT JOIN products p ON p.id = t.product_id
         ORDER BY n.distance, t.id",
    )
    .bind(ticket_id)
    .bind(k)
    .bind(same_product)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}
