//! `bench inbox`: the inbox's server-side work (list, counts, menus) at N escalations, p50/p95 over varied filters.

use crate::domain::inbox::InboxQuery;
use crate::server::config::Settings;
use crate::server::db;
use crate::server::db::inbox_view;
use crate::server::startup::Database;
use std::time::Instant;

/// Fills a fresh database with `count` escalated tickets (80% open, due times spread around now).
pub(super) async fn fill(pool: &sqlx::PgPool, count: i64) -> anyhow::Result<i64> {
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, name, role, password_hash)
         VALUES ('bench@example.com', 'Bench Agent', 'agent', 'x') RETURNING id",
    )
    .fetch_one(pool)
    .await?;
    for sql in [
        "INSERT INTO products (name) SELECT 'Product ' || g FROM generate_series(1, 12) g",
        "INSERT INTO customers (source, external_ref, name)
         SELECT 'bench', 'c' || g, 'Customer ' || g FROM generate_series(1, 5000) g",
        // Keep the analysis trigger out of the way: this measures the inbox, not the pipeline.
        "ALTER TABLE tickets DISABLE TRIGGER tickets_enqueue_analysis",
    ] {
        sqlx::query(sql).execute(pool).await?;
    }
    sqlx::query(
        "INSERT INTO tickets (source, external_id, customer_id, product_id, subject, body, channel,
                              priority, status, created_at)
         SELECT 'bench', g::text, 1 + g % 5000, 1 + g % 12, 'Escalated ticket ' || g,
                'My lawyer will hear about this', 'email',
                (ARRAY['low','medium','high','urgent'])[1 + g % 4], 'open',
                now() - make_interval(mins => (g % 20000)::int)
         FROM generate_series(1, $1::bigint) g",
    )
    .bind(count)
    .execute(pool)
    .await?;
    sqlx::query(
        "INSERT INTO escalations (ticket_id, status, queue, severity, rule_version, reasons,
                                  assignee_id, first_response_due, resolution_due)
         SELECT t.id, CASE WHEN t.id % 5 = 0 THEN 'resolved' ELSE 'open' END,
                (ARRAY['legal','billing','security','engineering','retention','general'])[1 + t.id % 6],
                1 + t.id % 4, 1,
                '[{\"rule_id\":1,\"name\":\"Legal threat\",\"severity\":\"critical\",\"queue\":\"legal\",\"reasons\":[]}]',
                CASE WHEN t.id % 3 = 0 THEN $1::bigint END,
                now() + make_interval(mins => (t.id % 8640)::int - 4320),
                now() + make_interval(mins => (t.id % 8640)::int)
         FROM tickets t",
    )
    .bind(user)
    .execute(pool)
    .await?;
    sqlx::query("ANALYZE").execute(pool).await?;
    Ok(user)
}

pub async fn run(escalations: i64, rounds: usize, settings: &Settings) -> anyhow::Result<()> {
    let database = Database::open(settings).await?;
    let result = async {
        let url = super::scratch_database(&database, "tl_bench_inbox").await?;
        let pool = db::connect(&url, 4).await?;
        db::migrate(&pool).await?;
        let user = fill(&pool, escalations).await?;
        let q = |f: fn(&mut InboxQuery)| {
            let mut q = InboxQuery::default();
            f(&mut q);
            q
        };
        let queries = [
            q(|_| {}),
            q(|q| q.queue = Some("billing".into())),
            q(|q| q.severity = Some("critical".into())),
            q(|q| q.assignee = Some("me".into())),
            q(|q| q.assignee = Some("none".into())),
            q(|q| q.product = Some(3)),
            q(|q| q.status = Some("all".into())),
            q(|q| q.page = Some(20)),
        ];
        let mut times = Vec::new();
        for round in 0..=rounds {
            for query in &queries {
                let start = Instant::now();
                let page = inbox_view::inbox(&pool, query, user).await?;
                if round > 0 {
                    times.push(start.elapsed().as_secs_f64() * 1000.0);
                }
                anyhow::ensure!(
                    !page.rows.is_empty(),
                    "the inbox came back empty for {query:?}"
                );
            }
        }
        times.sort_by(f64::total_cmp);
        let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
        println!("| escalations | requests | p50 | p95 | max |\n|---:|---:|---:|---:|---:|");
        println!(
            "| {escalations} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            times.len(),
            at(0.5),
            at(0.95),
            at(1.0)
        );
        pool.close().await;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
