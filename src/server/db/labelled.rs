//! SQL for labelled sets and their items (gold labels from CSV files, tickets, agents' corrections).

use chrono::{DateTime, Utc};
use sqlx::{FromRow, PgExecutor};

/// The set that collects agents' corrections from the Ticket page.
pub const CORRECTIONS_SET: &str = "Agent corrections";

#[derive(Debug, Clone, FromRow)]
pub struct SetRow {
    pub id: i64,
    pub name: String,
    pub origin: String,
    pub created_at: DateTime<Utc>,
    pub items: i64,
    pub negative: i64,
    pub neutral: i64,
    pub positive: i64,
}

const SETS: &str = "SELECT s.id, s.name, s.origin, s.created_at, count(i.id) AS items,
        count(*) FILTER (WHERE i.label = 'negative') AS negative,
        count(*) FILTER (WHERE i.label = 'neutral') AS neutral,
        count(*) FILTER (WHERE i.label = 'positive') AS positive
    FROM labelled_sets s LEFT JOIN labelled_items i ON i.set_id = s.id";

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<SetRow>> {
    sqlx::query_as(&format!("{SETS} GROUP BY s.id ORDER BY s.id"))
        .fetch_all(db)
        .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<SetRow>> {
    sqlx::query_as(&format!("{SETS} WHERE s.id = $1 GROUP BY s.id"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Creates a set, or returns the existing one with that name.
pub async fn ensure(
    db: impl PgExecutor<'_>,
    name: &str,
    origin: &str,
    user_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO labelled_sets (name, origin, created_by) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id",
    )
    .bind(name)
    .bind(origin)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// Adds items (text, label); texts already in the set are skipped. Returns how many were added.
pub async fn add_items(
    db: impl PgExecutor<'_>,
    set_id: i64,
    texts: &[String],
    labels: &[&str],
    user_id: Option<i64>,
) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO labelled_items (set_id, text, label, created_by)
         SELECT $1, t, l, $4 FROM UNNEST($2::text[], $3::text[]) AS u(t, l)
         ON CONFLICT (set_id, md5(text)) DO NOTHING",
    )
    .bind(set_id)
    .bind(texts)
    .bind(labels)
    .bind(user_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Adds tickets with a gold sentiment (from the import) to a set. Returns how many were added.
pub async fn add_from_tickets(
    db: impl PgExecutor<'_>,
    set_id: i64,
    limit: i64,
    user_id: Option<i64>,
) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO labelled_items (set_id, text, label, ticket_id, created_by)
         SELECT $1, t.subject || E'\\n' || t.body, t.gold_sentiment, t.id, $3
         FROM tickets t WHERE t.gold_sentiment IS NOT NULL
         ORDER BY md5(t.id::text) LIMIT $2
         ON CONFLICT DO NOTHING",
    )
    .bind(set_id)
    .bind(limit)
    .bind(user_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Adds every ticket of `source` that carries a gold sentiment. Returns how many were added.
pub async fn add_from_source(
    db: impl PgExecutor<'_>,
    set_id: i64,
    source: &str,
    user_id: Option<i64>,
) -> sqlx::Result<u64> {
    sqlx::query(
        "INSERT INTO labelled_items (set_id, text, label, ticket_id, created_by)
         SELECT $1, t.subject || E'\\n' || t.body, t.gold_sentiment, t.id, $3
         FROM tickets t WHERE t.source = $2 AND t.gold_sentiment IS NOT NULL
         ON CONFLICT DO NOTHING",
    )
    .bind(set_id)
    .bind(source)
    .bind(user_id)
    .execute(db)
    .await
    .map(|r| r.rows_affected())
}

/// Tickets of `source` with a gold sentiment, and with a category.
pub async fn source_labels(db: impl PgExecutor<'_>, source: &str) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE gold_sentiment IS NOT NULL), count(*) FILTER (WHERE category IS NOT NULL)
         FROM tickets WHERE source = $1",
    )
    .bind(source)
    .fetch_one(db)
    .await
}

/// Records an agent's correction of a ticket's sentiment as a gold label.
pub async fn correct_ticket(
    db: impl PgExecutor<'_>,
    set_id: i64,
    ticket_id: i64,
    label: &str,
    user_id: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO labelled_items (set_id, text, label, ticket_id, created_by)
         SELECT $1, t.subject || E'\\n' || t.body, $3, t.id, $4 FROM tickets t WHERE t.id = $2
         ON CONFLICT (set_id, ticket_id) DO UPDATE
           SET label = EXCLUDED.label, created_by = EXCLUDED.created_by, created_at = now()",
    )
    .bind(set_id)
    .bind(ticket_id)
    .bind(label)
    .bind(user_id)
    .execute(db)
    .await
    .map(|_| ())
}

/// Records an agent's correction of a later customer message's sentiment as a gold label;
/// returns the message's ticket, None when there is no such customer message.
pub async fn correct_message(
    tx: &mut sqlx::PgConnection,
    set_id: i64,
    message_id: i64,
    label: &str,
    user_id: i64,
) -> sqlx::Result<Option<i64>> {
    let Some((ticket_id, body)): Option<(i64, String)> = sqlx::query_as(
        "SELECT ticket_id, body FROM messages
         WHERE id = $1 AND kind = 'customer' AND NOT opening",
    )
    .bind(message_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let updated = sqlx::query(
        "UPDATE labelled_items SET label = $3, created_by = $4, created_at = now()
         WHERE set_id = $1 AND message_id = $2",
    )
    .bind(set_id)
    .bind(message_id)
    .bind(label)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        // A text the set holds already (from another message or ticket) keeps its first label.
        sqlx::query(
            "INSERT INTO labelled_items (set_id, text, label, message_id, created_by)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        )
        .bind(set_id)
        .bind(&body)
        .bind(label)
        .bind(message_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(Some(ticket_id))
}

/// The gold label an agent gave a ticket, if any.
pub async fn ticket_correction(
    db: impl PgExecutor<'_>,
    ticket_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT i.label FROM labelled_items i JOIN labelled_sets s ON s.id = i.set_id
         WHERE s.name = $1 AND i.ticket_id = $2",
    )
    .bind(CORRECTIONS_SET)
    .bind(ticket_id)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct Item {
    pub id: i64,
    pub text: String,
    pub label: String,
}

/// Every item of a set, in id order (the split is computed from ids and labels).
pub async fn items(db: impl PgExecutor<'_>, set_id: i64) -> sqlx::Result<Vec<Item>> {
    sqlx::query_as("SELECT id, text, label FROM labelled_items WHERE set_id = $1 ORDER BY id")
        .bind(set_id)
        .fetch_all(db)
        .await
}

/// Cached embeddings of items for a model: (item id, vector) for those already computed.
pub async fn embeddings(
    db: impl PgExecutor<'_>,
    model: &str,
    item_ids: &[i64],
) -> sqlx::Result<Vec<(i64, pgvector::Vector)>> {
    sqlx::query_as(
        "SELECT item_id, embedding FROM labelled_embeddings
         WHERE model = $1 AND item_id = ANY($2)",
    )
    .bind(model)
    .bind(item_ids)
    .fetch_all(db)
    .await
}

pub async fn store_embeddings(
    db: impl PgExecutor<'_>,
    model: &str,
    item_ids: &[i64],
    vectors: &[pgvector::Vector],
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO labelled_embeddings (item_id, model, embedding)
         SELECT id, $1, v FROM UNNEST($2::bigint[], $3::vector[]) AS u(id, v)
         ON CONFLICT DO NOTHING",
    )
    .bind(model)
    .bind(item_ids)
    .bind(vectors)
    .execute(db)
    .await
    .map(|_| ())
}
