//! The analytics rollups stay equal to a recomputation from the raw tickets through random
//! inserts, updates and deletes of tickets, analyses, escalations and category corrections, in
//! single-row and multi-row statements, in bulk writes that defer them to a catch-up, and through
//! the real importer and analysis job.

use crate::common;
use common::{fresh_pool, spawn_app};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::{PgExecutor, PgPool};
use std::time::Duration;
use ticketlens::server::db::rollups::catch_up;
use ticketlens::server::db::ticket_writer::TicketWriter;

/// Each ticket's facts, recomputed from the source tables.
macro_rules! raw_facts {
    () => {
        "(SELECT (t.created_at AT TIME ZONE 'UTC')::date AS day,
                 extract(hour FROM t.created_at AT TIME ZONE 'UTC')::smallint AS hour,
                 t.product_id, COALESCE(c.category, a.category, t.category) AS category,
                 t.channel, t.priority, a.sentiment,
                 t.status IN ('open', 'pending') AS open,
                 EXISTS (SELECT 1 FROM escalations e WHERE e.ticket_id = t.id) AS escalated,
                 t.csat,
                 extract(epoch FROM t.first_response_at - t.created_at)::bigint AS frt_s,
                 extract(epoch FROM t.resolved_at - t.created_at)::bigint AS res_s
          FROM tickets t
          LEFT JOIN ticket_analysis a ON a.ticket_id = t.id
          LEFT JOIN category_corrections c ON c.ticket_id = t.id) x"
    };
}

/// What each cube should hold: every combination of the filter dimensions, each kept or summed.
const RAW_DAILY: &str = concat!(
    "SELECT GROUPING(product_id, category, channel, sentiment)::smallint, day, product_id,
            category, channel, sentiment,
            count(*)::int, count(*) FILTER (WHERE open)::int,
            count(*) FILTER (WHERE escalated)::int,
            COALESCE(sum(csat), 0)::int, count(csat)::int,
            COALESCE(sum(frt_s), 0)::int8, count(frt_s)::int,
            COALESCE(sum(res_s), 0)::int8, count(res_s)::int,
            count(*) FILTER (WHERE priority = 'low')::int,
            count(*) FILTER (WHERE priority = 'medium')::int,
            count(*) FILTER (WHERE priority = 'high')::int,
            count(*) FILTER (WHERE priority = 'urgent')::int,
            count(*) FILTER (WHERE priority = 'low' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'medium' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'high' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'urgent' AND escalated)::int
     FROM ",
    raw_facts!(),
    " GROUP BY day, GROUPING SETS (
        (), (category), (channel), (sentiment), (category, channel), (category, sentiment),
        (channel, sentiment), (category, channel, sentiment),
        (product_id), (product_id, sentiment), (product_id, category),
        (product_id, category, sentiment))"
);
const ROLLUP_DAILY: &str = "
    SELECT g, day, product_id, category, channel, sentiment, n, open_n, escalated_n,
           csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n, n_low, n_medium, n_high, n_urgent,
           esc_low, esc_medium, esc_high, esc_urgent
    FROM rollup_daily WHERE n <> 0";
const RAW_HOURLY: &str = concat!(
    "SELECT (8 | GROUPING(category, channel, sentiment))::smallint, day, hour, category, channel,
            sentiment, count(*)::int
     FROM ",
    raw_facts!(),
    " GROUP BY day, hour, CUBE (category, channel, sentiment)"
);
/// The monthly cube keeps every grouping, products included.
const RAW_MONTHLY: &str = concat!(
    "SELECT GROUPING(product_id, category, channel, sentiment)::smallint, month, product_id,
            category, channel, sentiment,
            count(*)::int, count(*) FILTER (WHERE open)::int,
            count(*) FILTER (WHERE escalated)::int,
            COALESCE(sum(csat), 0)::int, count(csat)::int,
            COALESCE(sum(frt_s), 0)::int8, count(frt_s)::int,
            COALESCE(sum(res_s), 0)::int8, count(res_s)::int,
            count(*) FILTER (WHERE priority = 'low')::int,
            count(*) FILTER (WHERE priority = 'medium')::int,
            count(*) FILTER (WHERE priority = 'high')::int,
            count(*) FILTER (WHERE priority = 'urgent')::int,
            count(*) FILTER (WHERE priority = 'low' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'medium' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'high' AND escalated)::int,
            count(*) FILTER (WHERE priority = 'urgent' AND escalated)::int
     FROM (SELECT date_trunc('month', day)::date AS month, * FROM ",
    raw_facts!(),
    ") m GROUP BY month, CUBE (product_id, category, channel, sentiment)"
);
const ROLLUP_MONTHLY: &str = "
    SELECT g, month, product_id, category, channel, sentiment, n, open_n, escalated_n,
           csat_sum, csat_n, frt_sum, frt_n, res_sum, res_n, n_low, n_medium, n_high, n_urgent,
           esc_low, esc_medium, esc_high, esc_urgent
    FROM rollup_monthly WHERE n <> 0";
const ROLLUP_HOURLY: &str = "
    SELECT g, day, hour, category, channel, sentiment, n FROM rollup_hourly WHERE n <> 0";
const RAW_LATENCY: &str = concat!(
    "SELECT (8 | GROUPING(category, channel, sentiment))::smallint, day, kind,
            latency_bucket(s), category, channel, sentiment, count(*)::int
     FROM ",
    raw_facts!(),
    " CROSS JOIN LATERAL (VALUES ('f'::\"char\", frt_s), ('r', res_s)) k(kind, s)
     WHERE s IS NOT NULL
     GROUP BY day, kind, latency_bucket(s), CUBE (category, channel, sentiment)"
);
const ROLLUP_LATENCY: &str = "
    SELECT g, day, kind, (h.i - 1)::smallint, category, channel, sentiment, h.n::int
    FROM rollup_latency CROSS JOIN LATERAL unnest(counts::real[]) WITH ORDINALITY h(n, i)
    WHERE h.n <> 0";
/// The monthly latency cube keeps products alone or with one other dimension.
const RAW_MONTHLY_LATENCY: &str = concat!(
    "SELECT GROUPING(product_id, category, channel, sentiment)::smallint,
            date_trunc('month', day)::date, kind, latency_bucket(s), product_id, category,
            channel, sentiment, count(*)::int
     FROM ",
    raw_facts!(),
    " CROSS JOIN LATERAL (VALUES ('f'::\"char\", frt_s), ('r', res_s)) k(kind, s)
     WHERE s IS NOT NULL
     GROUP BY date_trunc('month', day), kind, latency_bucket(s), GROUPING SETS (
        (), (category), (channel), (sentiment), (category, channel), (category, sentiment),
        (channel, sentiment), (category, channel, sentiment),
        (product_id), (product_id, sentiment), (product_id, channel), (product_id, category))"
);
const ROLLUP_MONTHLY_LATENCY: &str = "
    SELECT g, month, kind, (h.i - 1)::smallint, product_id, category, channel, sentiment,
           h.n::int
    FROM rollup_monthly_latency
    CROSS JOIN LATERAL unnest(counts::real[]) WITH ORDINALITY h(n, i)
    WHERE h.n <> 0";

/// Rows in one query and not the other, both ways (0 when they agree).
async fn differences(pool: &PgPool, a: &str, b: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM (({a} EXCEPT ALL {b}) UNION ALL ({b} EXCEPT ALL {a})) d"
    ))
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn assert_consistent(pool: &PgPool, when: &str) {
    for (name, raw, rollup) in [
        ("rollup_daily", RAW_DAILY, ROLLUP_DAILY),
        ("rollup_hourly", RAW_HOURLY, ROLLUP_HOURLY),
        ("rollup_latency", RAW_LATENCY, ROLLUP_LATENCY),
        ("rollup_monthly", RAW_MONTHLY, ROLLUP_MONTHLY),
        (
            "rollup_monthly_latency",
            RAW_MONTHLY_LATENCY,
            ROLLUP_MONTHLY_LATENCY,
        ),
    ] {
        let diff = differences(pool, raw, rollup).await;
        assert_eq!(diff, 0, "{name} differs from the raw tickets {when}");
    }
    // Rows a change emptied are pruned (nothing else holds them in this sequential test).
    let emptied: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM rollup_daily WHERE n = 0)
              + (SELECT count(*) FROM rollup_hourly WHERE n = 0)
              + (SELECT count(*) FROM rollup_latency WHERE n = 0)
              + (SELECT count(*) FROM rollup_monthly WHERE n = 0)
              + (SELECT count(*) FROM rollup_monthly_latency WHERE n = 0)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(emptied, 0, "emptied rows left {when}");
    // Each latency histogram holds whole, non-negative counts, and `n` is their sum.
    let malformed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT n, counts::real[] AS c FROM rollup_latency
                               UNION ALL
                               SELECT n, counts::real[] FROM rollup_monthly_latency) h
         WHERE n <> (SELECT sum(x) FROM unnest(c) x)
            OR EXISTS (SELECT 1 FROM unnest(c) x WHERE x < 0 OR x <> round(x))",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(malformed, 0, "malformed latency histograms {when}");
    let facts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tickets t FULL JOIN ticket_facts f ON f.ticket_id = t.id
         WHERE t.id IS NULL OR f.ticket_id IS NULL",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(facts, 0, "one fact row per ticket {when}");
    let buckets: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ticket_facts WHERE frt_bucket IS DISTINCT FROM latency_bucket(frt_s)
            OR res_bucket IS DISTINCT FROM latency_bucket(res_s)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(buckets, 0, "facts carry their latency buckets {when}");
}

const CHANNELS: [&str; 3] = ["email", "chat", "phone"];
const PRIORITIES: [&str; 3] = ["low", "high", "urgent"];
const CATEGORIES: [&str; 3] = ["billing", "shipping", "login"];
const SENTIMENTS: [&str; 3] = ["negative", "neutral", "positive"];

/// Inserts `n` random tickets in one statement; returns their ids.
async fn insert_tickets(
    db: impl PgExecutor<'_>,
    rng: &mut ChaCha8Rng,
    products: &[i64],
    n: usize,
) -> Vec<i64> {
    let mut q = sqlx::QueryBuilder::new(
        "INSERT INTO tickets (source, external_id, product_id, subject, body, channel, priority,
                              status, category, created_at, first_response_at, resolved_at, csat) ",
    );
    let rows: Vec<_> = (0..n)
        .map(|_| {
            // Seventy days: the tickets fall in three or four calendar months.
            let created =
                chrono::Utc::now() - chrono::Duration::minutes(rng.gen_range(0..60 * 24 * 70));
            let responded = rng
                .gen_bool(0.6)
                .then(|| created + chrono::Duration::seconds(rng.gen_range(0..90_000)));
            let resolved = responded
                .filter(|_| rng.gen_bool(0.5))
                .map(|r| r + chrono::Duration::seconds(rng.gen_range(0..400_000)));
            (
                rng.gen::<u64>().to_string(),
                rng.gen_bool(0.9)
                    .then(|| products[rng.gen_range(0..products.len())]),
                CHANNELS[rng.gen_range(0..3)],
                PRIORITIES[rng.gen_range(0..3)],
                if resolved.is_some() {
                    "resolved"
                } else {
                    "open"
                },
                rng.gen_bool(0.5).then(|| CATEGORIES[rng.gen_range(0..3)]),
                created,
                responded,
                resolved,
                resolved.and_then(|_| rng.gen_bool(0.7).then(|| rng.gen_range(1..=5i16))),
            )
        })
        .collect();
    q.push_values(rows, |mut b, r| {
        b.push_bind("test")
            .push_bind(r.0)
            .push_bind(r.1)
            .push_bind("subject")
            .push_bind("body")
            .push_bind(r.2)
            .push_bind(r.3)
            .push_bind(r.4)
            .push_bind(r.5)
            .push_bind(r.6)
            .push_bind(r.7)
            .push_bind(r.8)
            .push_bind(r.9);
    });
    q.push(" RETURNING id");
    q.build_query_scalar().fetch_all(db).await.unwrap()
}

async fn some_ids(pool: &PgPool, rng: &mut ChaCha8Rng, n: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM tickets ORDER BY md5(id::text || $1) LIMIT $2")
        .bind(rng.gen::<u32>().to_string())
        .bind(n)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// One random change: which kind, on which tickets.
async fn random_change(pool: &PgPool, rng: &mut ChaCha8Rng, products: &[i64]) -> String {
    let count = rng.gen_range(1..6);
    let ids = some_ids(pool, rng, count).await;
    let exec = |sql: &'static str| sqlx::query(sql).bind(ids.clone());
    let kind = rng.gen_range(0..14);
    let done = match kind {
        0 => {
            let n = rng.gen_range(1..20);
            insert_tickets(pool, rng, products, n).await;
            format!("insert {n} tickets")
        }
        1 => {
            exec("DELETE FROM tickets WHERE id = ANY($1)")
                .execute(pool)
                .await
                .unwrap();
            "delete tickets".into()
        }
        2 => {
            exec("UPDATE tickets SET status = 'resolved', resolved_at = created_at + interval '3 hours',
                  first_response_at = COALESCE(first_response_at, created_at + interval '5 minutes'),
                  csat = 4 WHERE id = ANY($1)")
                .execute(pool).await.unwrap();
            "resolve".into()
        }
        3 => {
            exec("UPDATE tickets SET status = 'open', resolved_at = NULL, csat = NULL WHERE id = ANY($1)")
                .execute(pool).await.unwrap();
            "reopen".into()
        }
        4 => {
            sqlx::query(
                "UPDATE tickets SET channel = $2, priority = $3, product_id = $4,
                         created_at = created_at - interval '26 hours' WHERE id = ANY($1)",
            )
            .bind(&ids)
            .bind(CHANNELS[rng.gen_range(0..3)])
            .bind(PRIORITIES[rng.gen_range(0..3)])
            .bind(products[rng.gen_range(0..products.len())])
            .execute(pool)
            .await
            .unwrap();
            "move day, channel, priority, product".into()
        }
        5 | 6 => {
            sqlx::query("INSERT INTO ticket_analysis (ticket_id, sentiment, sentiment_score, sentiment_engine,
                                                      sentiment_version, category)
                         SELECT id, $2, 0, 'test', '1', $3 FROM tickets WHERE id = ANY($1)
                         ON CONFLICT (ticket_id) DO UPDATE SET sentiment = EXCLUDED.sentiment,
                                                               category = EXCLUDED.category")
                .bind(&ids)
                .bind(SENTIMENTS[rng.gen_range(0..3)])
                .bind(rng.gen_bool(0.7).then(|| CATEGORIES[rng.gen_range(0..3)]))
                .execute(pool).await.unwrap();
            "analyse".into()
        }
        7 => {
            exec("DELETE FROM ticket_analysis WHERE ticket_id = ANY($1)")
                .execute(pool)
                .await
                .unwrap();
            "drop analysis".into()
        }
        8 => {
            exec("INSERT INTO escalations (ticket_id, queue, severity, first_response_due, resolution_due)
                  SELECT id, 'tier2', 2, now(), now() FROM tickets WHERE id = ANY($1)
                  ON CONFLICT (ticket_id) DO NOTHING")
                .execute(pool).await.unwrap();
            "escalate".into()
        }
        9 => {
            exec("DELETE FROM escalations WHERE ticket_id = ANY($1)")
                .execute(pool)
                .await
                .unwrap();
            "drop escalation".into()
        }
        12 => {
            // A bulk writer's batch: its tickets wait in rollup_pending while later changes
            // (analyses, escalations, deletes) touch them through the ordinary triggers.
            let n = rng.gen_range(1..40);
            let mut tx = pool.begin().await.unwrap();
            catch_up::defer_in_transaction(&mut tx).await.unwrap();
            insert_tickets(&mut *tx, rng, products, n).await;
            tx.commit().await.unwrap();
            format!("bulk insert {n} tickets")
        }
        13 => {
            let mut tx = pool.begin().await.unwrap();
            catch_up::defer_in_transaction(&mut tx).await.unwrap();
            sqlx::query(
                "UPDATE tickets SET channel = $2, created_at = created_at - interval '31 days'
                 WHERE id = ANY($1)",
            )
            .bind(&ids)
            .bind(CHANNELS[rng.gen_range(0..3)])
            .execute(&mut *tx)
            .await
            .unwrap();
            tx.commit().await.unwrap();
            "bulk move month and channel".into()
        }
        10 => {
            sqlx::query(
                "INSERT INTO category_corrections (ticket_id, category)
                         SELECT id, $2 FROM tickets WHERE id = ANY($1)
                         ON CONFLICT (ticket_id) DO UPDATE SET category = EXCLUDED.category",
            )
            .bind(&ids)
            .bind(CATEGORIES[rng.gen_range(0..3)])
            .execute(pool)
            .await
            .unwrap();
            "correct category".into()
        }
        _ => {
            exec("DELETE FROM category_corrections WHERE ticket_id = ANY($1)")
                .execute(pool)
                .await
                .unwrap();
            "drop correction".into()
        }
    };
    format!("{done} ({} chosen)", ids.len())
}

#[tokio::test]
async fn rollups_equal_a_recomputation_after_random_changes() {
    let pool = fresh_pool().await;
    let products: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO products (name) SELECT 'product ' || g FROM generate_series(1, 4) g RETURNING id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    insert_tickets(&pool, &mut rng, &products, 200).await;
    assert_consistent(&pool, "after the first import").await;
    let mut log = Vec::new();
    for step in 0..150 {
        log.push(random_change(&pool, &mut rng, &products).await);
        // While tickets are pending the cubes still count exactly the facts they hold.
        let (counted, facts): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(sum(n), 0)::int8 FROM rollup_daily WHERE g = 15),
                    (SELECT count(*) FROM ticket_facts)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(
            counted,
            facts,
            "cubes and facts apart after {}",
            log.join("; ")
        );
        if step % 10 == 9 {
            let caught = catch_up::catch_up(&pool, Duration::ZERO).await.unwrap();
            log.push(format!("catch up {caught}"));
            assert_consistent(&pool, &format!("after {}", log.join("; "))).await;
        }
    }
    catch_up::catch_up(&pool, Duration::ZERO).await.unwrap();
    assert_consistent(&pool, "at the end").await;
    assert!(
        log.iter().any(|l| l.starts_with("bulk insert"))
            && log
                .iter()
                .any(|l| l.starts_with("catch up") && l != "catch up 0"),
        "the walk exercised the bulk path: {}",
        log.join("; ")
    );
    let n: i64 =
        sqlx::query_scalar("SELECT COALESCE(sum(n), 0)::int8 FROM rollup_daily WHERE g = 15")
            .fetch_one(&pool)
            .await
            .unwrap();
    let tickets: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        tickets > 200,
        "the walk inserted more than it deleted: {tickets}"
    );
    assert_eq!(n, tickets);
}

#[tokio::test]
async fn the_demo_import_and_the_analysis_job_keep_the_rollups_current() {
    let app = spawn_app(300).await;
    app.run_jobs().await;
    assert_consistent(&app.pool, "after the demo import and analysis").await;
    let analysed: i64 = sqlx::query_scalar(
        "SELECT COALESCE(sum(n) FILTER (WHERE sentiment IS NOT NULL), 0)::int8 FROM rollup_daily
         WHERE g = 14",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        analysed, 300,
        "every demo ticket counted with its sentiment"
    );
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 0);
}

#[tokio::test]
async fn the_worker_catches_up_on_the_rollups_of_an_import_that_died() {
    let app = spawn_app(0).await;
    // Batches a bulk writer committed before its process died: no catch-up ran.
    let tickets: Vec<_> =
        ticketlens::server::demo::generate(&ticketlens::server::demo::DemoConfig {
            tickets: 120,
            seed: 3,
            end: chrono::NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        })
        .collect();
    let mut conn = app.pool.acquire().await.unwrap();
    let mut writer = TicketWriter::bulk("crashed");
    for batch in tickets.chunks(50) {
        writer.write(&mut conn, batch).await.unwrap();
    }
    drop(conn);
    let counted = |pool: PgPool| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(sum(n), 0)::int8 FROM rollup_daily WHERE g = 15",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    };
    assert_eq!(
        counted(app.pool.clone()).await,
        0,
        "the bulk batches deferred their rollups"
    );
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 120);
    // Analysing them would refresh their rollups on its own; without it only the sweep can.
    sqlx::query("DELETE FROM jobs WHERE kind = 'analyse_ticket'")
        .execute(&app.pool)
        .await
        .unwrap();

    // A live import's pending tickets are its own to catch up: the worker leaves them.
    app.run_jobs().await;
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 120);
    assert_eq!(counted(app.pool.clone()).await, 0);

    // The import's own catch-up had split its first batch into parts when it died too.
    let split: i32 = sqlx::query_scalar("SELECT rollup_split(1000000, now(), 60)")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(split, 50, "one entry (a batch) split at least");
    let parts: i64 = sqlx::query_scalar("SELECT count(*) FROM rollup_pending_parts")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(parts >= 1);
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 120);

    // Once they are older than a live import would leave them, the worker's sweep takes them.
    sqlx::raw_sql(
        "UPDATE rollup_pending SET queued_at = now() - interval '1 hour';
         UPDATE rollup_pending_parts SET queued_at = now() - interval '1 hour'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    app.run_jobs().await;
    assert_eq!(catch_up::pending(&app.pool).await.unwrap(), 0);
    assert_consistent(&app.pool, "after the sweep").await;
    assert_eq!(counted(app.pool.clone()).await, 120);
}
