//! Random writes to every table the rollups read: tickets, analyses, escalations, category
//! corrections, later messages and their analyses, in single-row and multi-row statements.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::{PgExecutor, PgPool};
use ticketlens::server::db::rollups::catch_up;

const CHANNELS: [&str; 3] = ["email", "chat", "phone"];
const PRIORITIES: [&str; 3] = ["low", "high", "urgent"];
const CATEGORIES: [&str; 3] = ["billing", "shipping", "login"];
const SENTIMENTS: [&str; 3] = ["negative", "neutral", "positive"];
const AGENTS: [&str; 3] = ["Ann", "Bo", "Cy"];

/// Inserts `n` random tickets in one statement; returns their ids.
pub(super) async fn insert_tickets(
    db: impl PgExecutor<'_>,
    rng: &mut ChaCha8Rng,
    products: &[i64],
    n: usize,
) -> Vec<i64> {
    let mut q = sqlx::QueryBuilder::new(
        "INSERT INTO tickets (source, external_id, product_id, subject, body, channel, priority,
                              status, category, created_at, first_response_at, resolved_at, csat,
                              agent, agent_reply) ",
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
                rng.gen_bool(0.7).then(|| AGENTS[rng.gen_range(0..3)]),
                responded.map(|_| "Try again now."),
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
            .push_bind(r.9)
            .push_bind(r.10)
            .push_bind(r.11);
    });
    q.push(" RETURNING id");
    q.build_query_scalar().fetch_all(db).await.unwrap()
}

pub(super) async fn some_ids(pool: &PgPool, rng: &mut ChaCha8Rng, n: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM tickets ORDER BY md5(id::text || $1) LIMIT $2")
        .bind(rng.gen::<u32>().to_string())
        .bind(n)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// One random change: which kind, on which tickets.
pub(super) async fn random_change(pool: &PgPool, rng: &mut ChaCha8Rng, products: &[i64]) -> String {
    let count = rng.gen_range(1..6);
    let ids = some_ids(pool, rng, count).await;
    let exec = |sql: &'static str| sqlx::query(sql).bind(ids.clone());
    let kind = rng.gen_range(0..17);
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
            // As the analysis job does: the trajectory from the ticket's score and its
            // follow-ups' (a new row starts from the defaults).
            exec(
                "UPDATE ticket_analysis SET latest_score = sentiment_score,
                                            lowest_score = sentiment_score
                  WHERE ticket_id = ANY($1)",
            )
            .execute(pool)
            .await
            .unwrap();
            exec("SELECT refresh_trajectory($1)")
                .execute(pool)
                .await
                .unwrap();
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
        9 if rng.gen_bool(0.5) => {
            // An agent sends them back, or escalates them again.
            exec(
                "UPDATE escalations SET status = CASE status WHEN 'de_escalated' THEN 'open'
                                                  ELSE 'de_escalated' END
                  WHERE ticket_id = ANY($1)",
            )
            .execute(pool)
            .await
            .unwrap();
            "de-escalate or escalate again".into()
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
        14 | 15 => {
            // Later messages, customer or agent (signed or not), some dated before the ticket's
            // resolution; in a bulk load (15) they only note their tickets.
            let mut tx = pool.begin().await.unwrap();
            if kind == 15 {
                catch_up::defer_in_transaction(&mut tx).await.unwrap();
            }
            sqlx::query(
                "INSERT INTO messages (ticket_id, kind, author, channel, created_at, body)
                 SELECT id, $2, $3, channel, created_at + make_interval(mins => $4), 'more'
                 FROM tickets WHERE id = ANY($1)",
            )
            .bind(&ids)
            .bind(if rng.gen_bool(0.6) {
                "customer"
            } else {
                "agent"
            })
            .bind(rng.gen_bool(0.7).then(|| AGENTS[rng.gen_range(0..3)]))
            .bind(rng.gen_range(1..6000))
            .execute(&mut *tx)
            .await
            .unwrap();
            tx.commit().await.unwrap();
            format!("{}add messages", if kind == 15 { "bulk " } else { "" })
        }
        16 => {
            // The message job: scores (spread over -1..1) of every unscored follow-up, then the
            // trajectories of their tickets.
            let mut tx = pool.begin().await.unwrap();
            let scored: Vec<i64> = sqlx::query_scalar(
                "WITH ins AS (
                     INSERT INTO message_analysis (message_id, ticket_id, sentiment,
                                                   sentiment_score, sentiment_engine,
                                                   sentiment_version)
                     SELECT m.id, m.ticket_id, 'neutral', ((m.id * 7919 + $1) % 201 - 100) / 100.0,
                            'test', '1'
                     FROM messages m
                     WHERE m.kind = 'customer' AND NOT m.opening
                       AND NOT EXISTS (SELECT 1 FROM message_analysis a WHERE a.message_id = m.id)
                     RETURNING ticket_id)
                 SELECT DISTINCT ticket_id FROM ins",
            )
            .bind(rng.gen_range(0i64..201))
            .fetch_all(&mut *tx)
            .await
            .unwrap();
            sqlx::query("SELECT refresh_trajectory($1)")
                .bind(&scored)
                .execute(&mut *tx)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            "analyse messages".into()
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
