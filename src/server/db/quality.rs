//! SQL for the data-quality checks on one ticket source, and the stored reports.

use crate::domain::quality::{FieldGap, QualityReport};
use sqlx::{PgExecutor, PgPool};

/// The regular expression of an unfilled template placeholder such as `{product_purchased}`.
pub const PLACEHOLDER: &str = r"\{[A-Za-z_][A-Za-z0-9_ ]{0,40}\}";

/// Counts of tickets, empty fields, duplicates, placeholders and suspicious timestamps of a
/// source, with the import counts and the skip reasons about timestamps.
pub async fn measure(pool: &PgPool, source: &str) -> sqlx::Result<QualityReport> {
    let (tickets, no_customer, no_product, no_category, no_subject, no_reply, no_first, no_resolved,
         no_csat, no_language): (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT count(*),
                    count(*) FILTER (WHERE customer_id IS NULL),
                    count(*) FILTER (WHERE product_id IS NULL),
                    count(*) FILTER (WHERE category IS NULL OR btrim(category) = ''),
                    count(*) FILTER (WHERE btrim(subject) = ''),
                    count(*) FILTER (WHERE status IN ('resolved', 'closed')
                                     AND (agent_reply IS NULL OR btrim(agent_reply) = '')),
                    count(*) FILTER (WHERE status IN ('resolved', 'closed') AND first_response_at IS NULL),
                    count(*) FILTER (WHERE status IN ('resolved', 'closed') AND resolved_at IS NULL),
                    count(*) FILTER (WHERE status IN ('resolved', 'closed') AND csat IS NULL),
                    count(*) FILTER (WHERE language IS NULL)
             FROM tickets WHERE source = $1",
        )
        .bind(source)
        .fetch_one(pool)
        .await?;
    let empty = [
        ("subject", no_subject),
        ("customer", no_customer),
        ("product", no_product),
        ("category", no_category),
        ("language", no_language),
        ("first response time (resolved tickets)", no_first),
        ("resolution time (resolved tickets)", no_resolved),
        ("agent reply (resolved tickets)", no_reply),
        ("satisfaction (resolved tickets)", no_csat),
    ]
    .into_iter()
    .map(|(field, empty)| FieldGap {
        field: field.into(),
        empty,
    })
    .collect();
    let (duplicates, duplicate_examples): (i64, Vec<String>) = sqlx::query_as(
        "SELECT COALESCE(sum(n - 1), 0)::int8,
                COALESCE((array_agg(left(subject, 80) ORDER BY n DESC, subject))[1:5], '{}')
         FROM (SELECT subject, count(*) AS n FROM tickets WHERE source = $1
               GROUP BY subject, md5(body) HAVING count(*) > 1) d",
    )
    .bind(source)
    .fetch_one(pool)
    .await?;
    let placeholder_kinds: Vec<(String, i64)> = sqlx::query_as(
        "SELECT m[1], count(DISTINCT id)
         FROM tickets, regexp_matches(subject || ' ' || body || ' ' || COALESCE(agent_reply, ''),
                                      '(' || $2 || ')', 'g') AS m
         WHERE source = $1
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 20",
    )
    .bind(source)
    .bind(PLACEHOLDER)
    .fetch_all(pool)
    .await?;
    let placeholders: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tickets
         WHERE source = $1
           AND (subject || ' ' || body || ' ' || COALESCE(agent_reply, '')) ~ $2",
    )
    .bind(source)
    .bind(PLACEHOLDER)
    .fetch_one(pool)
    .await?;
    let stored: Vec<(String, i64)> = sqlx::query_as(
        "SELECT reason, n FROM (
           SELECT 'created after it was imported' AS reason,
                  count(*) FILTER (WHERE created_at > imported_at + interval '1 day') AS n
           FROM tickets WHERE source = $1
           UNION ALL
           SELECT 'created before 1990', count(*) FILTER (WHERE created_at < '1990-01-01')
           FROM tickets WHERE source = $1
           UNION ALL
           SELECT 'resolved but still open or pending',
                  count(*) FILTER (WHERE resolved_at IS NOT NULL AND status IN ('open', 'pending'))
           FROM tickets WHERE source = $1
           UNION ALL
           SELECT 'first response after resolution',
                  count(*) FILTER (WHERE first_response_at > resolved_at)
           FROM tickets WHERE source = $1) r
         WHERE n > 0",
    )
    .bind(source)
    .fetch_all(pool)
    .await?;
    let (rows_read, skipped, reasons): (i64, i64, serde_json::Value) = sqlx::query_as(
        "SELECT (SELECT COALESCE(sum(rows_read), 0)::int8 FROM imports WHERE source = $1),
                (SELECT COALESCE(sum(skipped), 0)::int8 FROM imports WHERE source = $1),
                (SELECT COALESCE(jsonb_object_agg(key, n), '{}')
                 FROM (SELECT r.key, sum(r.value::int8) AS n
                       FROM imports i, jsonb_each_text(i.reasons) r
                       WHERE i.source = $1 GROUP BY r.key) x)",
    )
    .bind(source)
    .fetch_one(pool)
    .await?;
    let mut timestamps: Vec<(String, i64)> = reasons
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.contains("before") || k.contains("date") || k.contains("time"))
        .map(|(k, v)| (format!("skipped at import: {k}"), v.as_i64().unwrap_or(0)))
        .collect();
    timestamps.extend(stored);
    Ok(QualityReport {
        source: source.to_string(),
        tickets,
        rows_read,
        skipped,
        empty,
        duplicates,
        duplicate_examples,
        placeholders,
        placeholder_kinds,
        timestamps,
        labels: Vec::new(),
        unchecked: Vec::new(),
    })
}

/// (text, label) of up to `limit` tickets of a source with a value in `column` (one of
/// category, priority, gold_sentiment, gold_escalate, channel), in a stable random order.
pub async fn labelled(
    pool: &PgPool,
    source: &str,
    column: &str,
    limit: i64,
) -> sqlx::Result<Vec<(String, String)>> {
    let expr = match column {
        "category" => "category",
        "priority" => "priority",
        "gold_sentiment" => "gold_sentiment",
        "gold_escalate" => "gold_escalate::text",
        _ => "channel",
    };
    sqlx::query_as(&format!(
        "SELECT subject || E'\\n' || body, {expr} FROM tickets
         WHERE source = $1 AND {expr} IS NOT NULL AND btrim({expr}) <> ''
         ORDER BY md5(id::text) LIMIT $2"
    ))
    .bind(source)
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// Every source with tickets.
pub async fn sources(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT DISTINCT source FROM tickets ORDER BY 1")
        .fetch_all(db)
        .await
}

pub async fn store(db: impl PgExecutor<'_>, report: &QualityReport) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO quality_reports (source, report) VALUES ($1, $2)
         ON CONFLICT (source) DO UPDATE SET report = EXCLUDED.report, checked_at = now()",
    )
    .bind(&report.source)
    .bind(sqlx::types::Json(report))
    .execute(db)
    .await
    .map(|_| ())
}

/// Stored reports with when they were checked (UTC, to the minute).
pub async fn reports(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<(QualityReport, String)>> {
    let rows: Vec<(sqlx::types::Json<QualityReport>, String)> = sqlx::query_as(
        "SELECT report, to_char(checked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')
         FROM quality_reports ORDER BY source",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(r, at)| (r.0, at)).collect())
}
