//! SQL for files uploaded on the Data page: kept for the mapping screen and for resuming an
//! interrupted import.

use sqlx::PgExecutor;

pub async fn save(
    db: impl PgExecutor<'_>,
    file_name: &str,
    content: &[u8],
    user_id: Option<i64>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO import_uploads (file_name, content, created_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(file_name)
    .bind(content)
    .bind(user_id)
    .fetch_one(db)
    .await
}

/// An upload's file name and bytes.
pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<(String, Vec<u8>)>> {
    sqlx::query_as("SELECT file_name, content FROM import_uploads WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Forgets uploads older than `days` whose imports all finished (or that were never imported).
pub async fn prune(db: impl PgExecutor<'_>, days: i32) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "DELETE FROM import_uploads u WHERE u.created_at < now() - make_interval(days => $1)
         AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.upload_id = u.id AND i.finished_at IS NULL)",
    )
    .bind(days)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
