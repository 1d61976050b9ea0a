//! SQL for reply templates: immutable versions per category, the newest in use, and the facts a template is filled with.

use crate::domain::template::TemplateVersion;
use sqlx::{FromRow, PgExecutor};

/// The category whose template is used when a category has none.
pub const FALLBACK: &str = "*";

const COLUMNS: &str = "t.id, t.category, t.version, t.body, t.note, t.created_at, u.name AS author";

/// Adds the next version of `category`'s template; returns (id, version).
pub async fn insert(
    db: impl PgExecutor<'_>,
    category: &str,
    body: &str,
    note: &str,
    user_id: Option<i64>,
) -> sqlx::Result<(i64, i32)> {
    sqlx::query_as(
        "INSERT INTO reply_templates (category, version, body, note, created_by)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4
         FROM reply_templates WHERE category = $1
         RETURNING id, version",
    )
    .bind(category)
    .bind(body)
    .bind(note)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// The newest version of every category's template, fallback first.
pub async fn current(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<TemplateVersion>> {
    sqlx::query_as(&format!(
        "SELECT DISTINCT ON (t.category) {COLUMNS}
         FROM reply_templates t LEFT JOIN users u ON u.id = t.created_by
         ORDER BY t.category, t.version DESC"
    ))
    .fetch_all(db)
    .await
}

/// Every version of one category's template, newest first.
pub async fn versions(
    db: impl PgExecutor<'_>,
    category: &str,
) -> sqlx::Result<Vec<TemplateVersion>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reply_templates t LEFT JOIN users u ON u.id = t.created_by
         WHERE t.category = $1 ORDER BY t.version DESC"
    ))
    .bind(category)
    .fetch_all(db)
    .await
}

/// The template used for `category`: its newest version, else the fallback's.
pub async fn for_category(
    db: impl PgExecutor<'_>,
    category: Option<&str>,
) -> sqlx::Result<Option<TemplateVersion>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM reply_templates t LEFT JOIN users u ON u.id = t.created_by
         WHERE t.category = $1 OR t.category = '{FALLBACK}'
         ORDER BY (t.category = '{FALLBACK}'), t.version DESC LIMIT 1"
    ))
    .bind(category.unwrap_or(FALLBACK))
    .fetch_optional(db)
    .await
}

/// What a template is filled with for one ticket. The category is an agent's correction, else
/// the predicted one, else the imported one.
#[derive(Debug, Clone, FromRow)]
pub struct TicketFacts {
    pub id: i64,
    pub subject: String,
    pub customer_name: Option<String>,
    pub product: Option<String>,
    pub category: Option<String>,
}

pub async fn facts(db: impl PgExecutor<'_>, ticket_id: i64) -> sqlx::Result<Option<TicketFacts>> {
    sqlx::query_as(
        "SELECT t.id, t.subject, c.name AS customer_name, p.name AS product,
                COALESCE(cc.category, a.category, t.category) AS category
         FROM tickets t
         LEFT JOIN customers c ON c.id = t.customer_id
         LEFT JOIN products p ON p.id = t.product_id
         LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
         LEFT JOIN category_corrections cc ON cc.ticket_id = t.id
         WHERE t.id = $1",
    )
    .bind(ticket_id)
    .fetch_optional(db)
    .await
}
