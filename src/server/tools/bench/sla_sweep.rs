//! `bench sla-sweep`: the SLA sweep at N open escalations — a pass with nothing to do, passes
//! that each take a full batch of steps (with their notifications), the whole backlog — and the
//! inbox's p95 with and without a sweep running beside it.

use super::oha::{self, Target};
use crate::domain::inbox::InboxQuery;
use crate::server::config::Settings;
use crate::server::db;
use crate::server::db::inbox_view;
use crate::server::jobs::sla_sweep::sweep;
use crate::server::startup::Database;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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

/// Saved views of the measured user: (name, query string).
const SAVED_VIEWS: [(&str, &str); 5] = [
    ("Billing", "queue=billing"),
    ("Mine", "assignee=me"),
    ("Breached", "due=breached"),
    ("At risk by severity", "due=at_risk&sort=severity"),
    ("Unassigned security", "queue=security&assignee=none"),
];

/// Port of the measured server (a `ticketlens serve` child).
const PORT: u16 = 3191;

/// The Inbox page over HTTP for `secs` seconds with 4 clients, as a logged-in manager: its p95.
async fn inbox_http_p95(
    oha: &std::path::Path,
    base: &str,
    session: &str,
    secs: u64,
) -> anyhow::Result<(f64, u64)> {
    let target = Target::page(format!("{base}/inbox"), session);
    let oha = oha.to_path_buf();
    let l = tokio::task::spawn_blocking(move || oha::run(&oha, &target, secs, 4)).await??;
    Ok((l.p95_ms, l.requests))
}

/// Re-arms 1,000 random open escalations and sweeps them, in a loop until `stop`: a sweep that
/// always has a full batch to tell.
fn sweeping(
    pool: &sqlx::PgPool,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<anyhow::Result<u64>> {
    let pool = pool.clone();
    tokio::spawn(async move {
        let mut n = 0u64;
        while !stop.load(Ordering::Relaxed) {
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
}

pub async fn run(escalations: i64, settings: &Settings) -> anyhow::Result<()> {
    let oha = oha::oha()?;
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
        // The manager keeps five saved views, which the Inbox page counts on every load.
        for (name, query) in SAVED_VIEWS {
            db::inbox_views::save(&pool, user, name, query).await?;
        }
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
            "{open} open escalations of {escalations}; {backlog_warn} at risk and {backlog_breach} breached, none told yet; the measured user keeps {} saved views\n",
            SAVED_VIEWS.len()
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
        let stop = Arc::new(AtomicBool::new(false));
        let sweeper = sweeping(&pool, stop.clone());
        let p95_busy = inbox_p95(&pool, user, 10).await?;
        stop.store(true, Ordering::Relaxed);
        let sweeps = sweeper.await??;
        // And over HTTP: the Inbox page served by a `ticketlens serve` child, without and with
        // the sweep beside it.
        let session = super::analytics::data::manager_session(&pool).await?;
        let server = oha::Server::start(&url, PORT, false).await?;
        let (http_quiet, n_quiet) = inbox_http_p95(&oha, &server.base, &session, 15).await?;
        let stop = Arc::new(AtomicBool::new(false));
        let sweeper = sweeping(&pool, stop.clone());
        let (http_busy, n_busy) = inbox_http_p95(&oha, &server.base, &session, 15).await?;
        stop.store(true, Ordering::Relaxed);
        let http_sweeps = sweeper.await??;
        drop(server);

        println!("| measure | value |\n|---|---:|");
        println!("| passes to clear the backlog (≤ {} steps each) | {} |", crate::server::jobs::sla_sweep::BATCH * 2, passes.len());
        println!("| busiest pass | {busiest:.0} ms |");
        println!("| whole backlog | {:.1} s |", backlog.as_secs_f64());
        println!("| pass with nothing to tell, p50 / max | {:.2} ms / {:.2} ms |", idle[idle.len() / 2], idle[idle.len() - 1]);
        println!("| inbox p95 (function), no sweep | {p95_quiet:.1} ms |");
        println!("| inbox p95 (function), sweeping 1,000 steps at a time beside it ({sweeps} sweeps) | {p95_busy:.1} ms |");
        println!("| Inbox page p95 over HTTP, 4 clients, no sweep ({n_quiet} requests) | {http_quiet:.1} ms |");
        println!("| Inbox page p95 over HTTP, 4 clients, sweeping beside it ({n_busy} requests, {http_sweeps} sweeps) | {http_busy:.1} ms |");
        pool.close().await;
        anyhow::Ok(())
    }
    .await;
    database.close().await;
    result
}
