//! Killing `ticketlens worker` in the middle of its work: analysis of many tickets, and webhook deliveries, then a fresh worker finishing it; checks that each is done exactly once in effect.

use super::receiver::{self, Receiver};
use super::{wait_until, Check};
use crate::server::jobs::{draft::DRAFT, ANALYSE};
use crate::server::{db, tools::seed};
use anyhow::Context;
use sqlx::PgPool;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `ticketlens worker` child on the database at `url`, logging to `log`.
fn spawn_worker(url: &str, log: &Path) -> anyhow::Result<Child> {
    let file =
        std::fs::File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    Command::new(std::env::current_exe()?)
        .arg("worker")
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .context("cannot start ticketlens worker")
}

/// SIGKILL: the worker gets no chance to finish or roll anything back itself.
fn kill(mut child: Child) -> anyhow::Result<()> {
    child.kill()?;
    child.wait()?;
    Ok(())
}

async fn count(pool: &PgPool, sql: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(pool).await?)
}

/// Analysis of `tickets` demo tickets, the worker killed once `kill_at` of them are stored.
pub async fn analysis(
    url: &str,
    tickets: usize,
    kill_at: f64,
    logs: &Path,
) -> anyhow::Result<Vec<Check>> {
    let pool = db::connect(url, 2).await?;
    db::migrate(&pool).await?;
    let cfg = super::super::analyse::demo_config(tickets)?;
    let loaded = seed::load_demo(&pool, &cfg, |_| {}).await? as i64;
    let target = (loaded as f64 * kill_at) as i64;
    let analysed = "SELECT count(*) FROM ticket_analysis";

    let started = Instant::now();
    let worker = spawn_worker(url, &logs.join("faults-analysis-1.log"))?;
    wait_until(Duration::from_secs(1800), || async {
        Ok(count(&pool, analysed).await? >= target)
    })
    .await
    .context("the first worker never reached the kill point")?;
    kill(worker)?;
    let at_kill = count(&pool, analysed).await?;
    // The killed worker's batch was one transaction with its job rows: rolled back, so its
    // tickets are simply still queued.
    let queued = count(
        &pool,
        "SELECT count(*) FROM jobs WHERE kind = 'analyse_ticket' AND status = 'queued'",
    )
    .await?;
    println!(
        "analysis: worker killed after {:.1} s with {at_kill} of {loaded} tickets stored, {queued} still queued",
        started.elapsed().as_secs_f64()
    );

    let worker = spawn_worker(url, &logs.join("faults-analysis-2.log"))?;
    let pending = format!(
        "SELECT count(*) FROM jobs WHERE kind IN ('{ANALYSE}', '{DRAFT}') AND status IN ('queued', 'running')"
    );
    wait_until(Duration::from_secs(1800), || async {
        Ok(count(&pool, &pending).await? == 0)
    })
    .await
    .context("the second worker did not finish the queue")?;
    kill(worker)?;
    println!(
        "analysis: queue empty {:.1} s after the start",
        started.elapsed().as_secs_f64()
    );

    let checks = vec![
        Check::equal("tickets with an analysis", loaded, count(&pool, analysed).await?),
        Check::equal(
            "analysis jobs done",
            loaded,
            count(&pool, "SELECT count(*) FROM jobs WHERE kind = 'analyse_ticket' AND status = 'done'")
                .await?,
        ),
        Check::equal(
            "failed jobs",
            0,
            count(&pool, "SELECT count(*) FROM jobs WHERE status = 'failed'").await?,
        ),
        Check::equal(
            "tickets with two escalations",
            0,
            count(&pool, "SELECT count(*) FROM (SELECT ticket_id FROM escalations GROUP BY 1 HAVING count(*) > 1) d").await?,
        ),
        Check::equal(
            "tickets with two automatic drafts",
            0,
            count(&pool, "SELECT count(*) FROM (SELECT ticket_id FROM responses WHERE method <> 'agent' GROUP BY 1 HAVING count(*) > 1) d").await?,
        ),
        Check::equal(
            "events recorded twice for a ticket",
            0,
            count(&pool, "SELECT count(*) FROM (SELECT kind, ticket_id FROM events WHERE ticket_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1) d").await?,
        ),
        Check::info("tickets analysed before the kill", at_kill),
        Check::info(
            "open tickets drafted",
            count(&pool, "SELECT count(DISTINCT ticket_id) FROM responses WHERE method <> 'agent'")
                .await?,
        ),
    ];
    pool.close().await;
    Ok(checks)
}

/// `deliveries` webhook events to a local receiver, the worker killed once `kill_at` of them
/// arrived.
pub async fn webhooks(
    url: &str,
    deliveries: usize,
    kill_at: f64,
    logs: &Path,
) -> anyhow::Result<Vec<Check>> {
    let pool = db::connect(url, 2).await?;
    db::migrate(&pool).await?;
    let receiver = Receiver::start(Duration::from_millis(100)).await?;
    let events = vec!["issue.spike".to_string()];
    let secret = crate::server::random::token();
    db::webhooks::create(&pool, "faults", &receiver.url, &events, &secret, None).await?;
    for i in 0..deliveries {
        let payload = serde_json::json!({ "n": i });
        db::events::record(&pool, "issue.spike", None, &payload, &format!("faults:{i}")).await?;
    }
    let target = (deliveries as f64 * kill_at) as usize;

    let started = Instant::now();
    let worker = spawn_worker(url, &logs.join("faults-webhooks-1.log"))?;
    wait_until(Duration::from_secs(600), || async {
        Ok(receiver.distinct_events() >= target)
    })
    .await
    .context("the first worker never reached the kill point")?;
    kill(worker)?;
    let at_kill = receiver.got().len();
    println!(
        "webhooks: worker killed after {:.1} s with {at_kill} requests received",
        started.elapsed().as_secs_f64()
    );

    let worker = spawn_worker(url, &logs.join("faults-webhooks-2.log"))?;
    let open = "SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'";
    // Deliveries the killed worker held come back when its lease runs out (50 s).
    wait_until(Duration::from_secs(600), || async {
        Ok(count(
            &pool,
            "SELECT count(*) FROM events WHERE delivered_at IS NULL",
        )
        .await?
            == 0
            && count(&pool, open).await? == 0)
    })
    .await
    .context("the second worker did not finish the deliveries")?;
    kill(worker)?;
    println!(
        "webhooks: all delivered {:.1} s after the start",
        started.elapsed().as_secs_f64()
    );

    let t = receiver::tally(&receiver.got());
    let checks = vec![
        Check::equal("events received", deliveries as i64, t.events as i64),
        Check::equal(
            "deliveries delivered",
            deliveries as i64,
            count(
                &pool,
                "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'",
            )
            .await?,
        ),
        Check::equal(
            "events sent under two delivery ids",
            0,
            t.events_with_two_ids as i64,
        ),
        Check::info("requests received", t.requests as i64),
        Check::info(
            "sent again under the same id (in flight when killed)",
            t.same_id_repeats as i64,
        ),
    ];
    pool.close().await;
    Ok(checks)
}
