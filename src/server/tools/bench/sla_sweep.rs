//! `bench sla-sweep`: the SLA sweep at N open escalations — a pass with nothing to do, passes
//! that each take a full batch of steps (with their notifications), the whole backlog — and the
//! inbox's p95 with and without a sweep running beside it.

use crate::domain::inbox::InboxQuery;
use crate::server::config::Settings;
use crate::server::db;
use crate::server::db::inbox_view;
use crate::server::jobs::sla_sweep::sweep;
use crate::server::startup::Database;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p95 of the inbox's server-side work over its common filters, in ms.
async fn inbox_p95(pool: &sqlx::PgPool, user: i64, rounds: usize) -> anyhow::Result<f64> {
    let queries = [
        InboxQuery::default(),
        InboxQuery {
            queue: Some("billing".into()),
            ..InboxQuery::default()
        },
        InboxQuery {
            assignee: Some("me".into()),
            ..InboxQuery::default()
        },
        InboxQuery {
            assignee: Some("none".into()),
            ..InboxQuery::default()
        },
    ];
    let mut times = Vec::new();
    for _ in 0..rounds {
        for q in &queries {
            let start = Instant::now();
            inbox_view::inbox(pool, q, user).await?;
            times.push(ms(start.elapsed()));
        }
    }
    times.sort_by(f64::total_cmp);
    Ok(times[((times.len() as f64 * 0.95) as usize).min(times.len() - 1)])
}

pub async fn run(escalations: i64, settings: &Settings) -> anyhow::Result<()> {
    let database = Database::open(settings).await?;
    let result = async {
        let url = super::scratch_database(&database, "tl_bench_sla").await?;
        let pool = db::connect(&url, 4).await?;
        db::migrate(&pool).await?;
        let user = super::inbox::fill(&pool, escalations).await?;
        let queues: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT queue FROM escalations").fetch_all(&pool).await?;
        db::queues::ensure(&pool, &queues).await?;
        sqlx::query("UPDATE queues SET manager_id = $1")
            .bind(user)
            .execute(&pool)
            .await?;
        let open: i64 = sqlx::query_scalar("SELECT count(*) FROM escalations WHERE status = 'open'")
            .fetch_one(&pool)
            .await?;
        let (backlog_warn, backlog_breach): (i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE warn_at <= now() AND due_at > now()),
                    count(*) FILTER (WHERE due_at <= now())
             FROM escalations WHERE status = 'open'",
        )
        .fetch_one(&pool)
        .await?;
        println!(
            "{open} open escalations of {escalations}; {backlog_warn} at risk and {backlog_breach} breached, none told yet\n"
        );
        let p95_quiet = inbox_p95(&pool, user, 10).await?;

        // The backlog, pass by pass, each a full batch of breaches or warnings.
        let mut passes = Vec::new();
        let started = Instant::now();
        loop {
            let t = Instant::now();
            let s = sweep(&pool, None).await?;
            if s.warned + s.breached == 0 {
                break;
            }
            passes.push((ms(t.elapsed()), s.warned + s.breached));
        }
        let backlog = started.elapsed();
        let busiest = passes.iter().map(|p| p.0).fold(0.0, f64::max);
        // Steady state: nothing new to tell.
        let mut idle = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            sweep(&pool, None).await?;
            idle.push(ms(t.elapsed()));
        }
        idle.sort_by(f64::total_cmp);
        // The inbox while another connection sweeps in a loop (new steps made due each time).
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let sweeper = {
            let (pool, stop) = (pool.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    sqlx::query(
                        "UPDATE escalations SET warned_due = NULL, breached_due = NULL
                         WHERE ticket_id IN (SELECT ticket_id FROM escalations WHERE status = 'open'
                                             ORDER BY random() LIMIT 1000)",
                    )
                    .execute(&pool)
                    .await?;
                    sweep(&pool, None).await?;
                    n += 1;
                }
                anyhow::Ok(n)
            })
        };
        let p95_busy = inbox_p95(&pool, user, 10).await?;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let sweeps = sweeper.await??;

        println!("| measure | value |\n|---|---:|");
        println!("| passes to clear the backlog (≤ {} steps each) | {} |", crate::server::jobs::sla_sweep::BATCH * 2, passes.len());
        println!("| busiest pass | {busiest:.0} ms |");
        println!("| whole backlog | {:.1} s |", backlog.as_secs_f64());
        println!("| pass with nothing to tell, p50 / max | {:.2} ms / {:.2} ms |", idle[idle.len() / 2], idle[idle.len() - 1]);
        println!("| inbox p95 (function), no sweep | {p95_quiet:.1} ms |");
        println!("| inbox p95 (function), sweeping 1,000 steps at a time beside it ({sweeps} sweeps) | {p95_busy:.1} ms |");
        pool.close().await;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
