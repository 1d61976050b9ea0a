//! SQL for escalation rule versions: one editable draft, one active version, the retired rest.

use crate::domain::rules::Rule;
use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::{FromRow, PgExecutor, PgPool};

#[derive(Debug, Clone, FromRow)]
pub struct RuleVersionRow {
    pub id: i64,
    pub version: i32,
    pub rules: Json<Vec<Rule>>,
    pub note: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub author: Option<String>,
}

const SELECT: &str = "SELECT v.id, v.version, v.rules, v.note, v.status, v.created_at,
                             v.activated_at, u.name AS author
                      FROM rule_versions v LEFT JOIN users u ON u.id = v.created_by";

pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<RuleVersionRow>> {
    sqlx::query_as(&format!("{SELECT} ORDER BY v.version DESC"))
        .fetch_all(db)
        .await
}

pub async fn get(db: impl PgExecutor<'_>, id: i64) -> sqlx::Result<Option<RuleVersionRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn with_status(
    db: impl PgExecutor<'_>,
    status: &str,
) -> sqlx::Result<Option<RuleVersionRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE v.status = $1"))
        .bind(status)
        .fetch_optional(db)
        .await
}

/// The active version's number, a cheap check for workers holding a compiled copy.
pub async fn active_version(db: impl PgExecutor<'_>) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar("SELECT version FROM rule_versions WHERE status = 'active'")
        .fetch_optional(db)
        .await
}

/// Creates version 1 as the active version when there are no versions at all.
pub async fn seed(db: impl PgExecutor<'_>, rules: &[Rule]) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO rule_versions (version, rules, note, status, activated_at)
         SELECT 1, $1, 'Starter rules', 'active', now()
         WHERE NOT EXISTS (SELECT 1 FROM rule_versions)",
    )
    .bind(Json(rules))
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The draft, created as a copy of the active version when there is none.
pub async fn ensure_draft(pool: &PgPool, user_id: i64) -> sqlx::Result<RuleVersionRow> {
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE rule_versions IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM rule_versions WHERE status = 'draft'")
        .fetch_optional(&mut *tx)
        .await?;
    let id = match id {
        Some(id) => id,
        None => {
            sqlx::query_scalar(
                "INSERT INTO rule_versions (version, rules, created_by)
                 SELECT coalesce(max(version), 0) + 1,
                        coalesce((SELECT rules FROM rule_versions WHERE status = 'active'), '[]'),
                        $1
                 FROM rule_versions
                 RETURNING id",
            )
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let row = sqlx::query_as(&format!("{SELECT} WHERE v.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(row)
}

/// Replaces the draft's rules; false when `id` is not the draft (activated meanwhile).
pub async fn save_draft(
    db: impl PgExecutor<'_>,
    id: i64,
    rules: &[Rule],
    note: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE rule_versions SET rules = $2, note = $3 WHERE id = $1 AND status = 'draft'",
    )
    .bind(id)
    .bind(Json(rules))
    .bind(note)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Makes the draft `id` the active version and retires the previous one.
pub async fn activate(pool: &PgPool, id: i64, user_id: i64) -> sqlx::Result<Option<i32>> {
    let mut tx = pool.begin().await?;
    let version: Option<i32> = sqlx::query_scalar(
        "SELECT version FROM rule_versions WHERE id = $1 AND status = 'draft' FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if version.is_some() {
        sqlx::query("UPDATE rule_versions SET status = 'retired' WHERE status = 'active'")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE rule_versions SET status = 'active', activated_at = now(), activated_by = $2
             WHERE id = $1",
        )
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(version)
}
