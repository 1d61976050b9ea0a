//! Stopping PostgreSQL for a while under load: pages and API writes keep coming from concurrent clients; the app must answer 503 meanwhile, recover by itself and lose no acknowledged write.

use super::{wait_until, Check};
use crate::server::pg::EmbeddedPostgres;
use crate::server::tools::bench::analytics::data;
use crate::server::{auth, db, tools::seed};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where the embedded server lives, to stop and start it again.
pub struct PgHandle<'a> {
    pub running: &'a EmbeddedPostgres,
    pub bin_dir: &'a std::path::Path,
    pub data_dir: &'a std::path::Path,
    pub port: u16,
}

/// When a request was answered, how, and how long it took.
#[derive(Clone, Copy)]
struct Answer {
    at: f64,
    /// HTTP status, or 0 when no answer came (refused, timed out).
    status: u16,
    ms: f64,
}

/// Which part of the run an answer falls in.
fn phase(at: f64, down: f64, up: f64) -> &'static str {
    if at < down {
        "before"
    } else if at < up {
        "database stopped"
    } else {
        "after"
    }
}

pub struct Timing {
    pub before: Duration,
    pub outage: Duration,
    pub after: Duration,
}

pub async fn run(
    url: &str,
    pg: PgHandle<'_>,
    port: u16,
    timing: Timing,
) -> anyhow::Result<Vec<Check>> {
    let pool = db::connect(url, 2).await?;
    db::migrate(&pool).await?;
    seed::load_demo(&pool, &super::super::analyse::demo_config(2_000)?, |_| {}).await?;
    data::analyse_from_labels(&pool, 10_000).await?;
    sqlx::query("DELETE FROM jobs").execute(&pool).await?;
    let session = data::manager_session(&pool).await?;
    let token = data::manager_api_token(&pool).await?;
    pool.close().await;

    let server = super::super::oha::Server::start(url, port, true).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let answers: Arc<Mutex<Vec<(&'static str, Answer)>>> = Arc::default();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let t0 = Instant::now();
    let mut clients = Vec::new();
    for c in 0..8 {
        let (client, answers, stop) = (client.clone(), answers.clone(), stop.clone());
        let (page, cookie) = (
            format!("{}/", server.base),
            format!("{}={session}", auth::COOKIE),
        );
        clients.push(tokio::spawn(async move {
            let _ = c;
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                let res = client.get(&page).header("Cookie", &cookie).send().await;
                let status = match res {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        let _ = r.bytes().await;
                        s
                    }
                    Err(_) => 0,
                };
                let a = answer(t0, sent, status);
                if let Ok(mut v) = answers.lock() {
                    v.push(("Overview", a));
                }
                if status != 200 {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }));
    }
    for c in 0..4 {
        let (client, answers, stop, acked) = (
            client.clone(),
            answers.clone(),
            stop.clone(),
            acknowledged.clone(),
        );
        let (api, token) = (format!("{}/api/v1/tickets", server.base), token.clone());
        clients.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                // A client that was not answered 2xx sends the same ticket again.
                let id = format!("outage-{c}-{n}");
                let body = serde_json::json!({
                    "external_id": id, "subject": "Order never arrived",
                    "body": format!("Ticket {id}: my parcel is a week late."),
                    "customer_email": "outage@example.com", "channel": "email",
                });
                let sent = Instant::now();
                let res = client
                    .post(&api)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                let status = res.map(|r| r.status().as_u16()).unwrap_or(0);
                if let Ok(mut v) = answers.lock() {
                    v.push(("POST /api/v1/tickets", answer(t0, sent, status)));
                }
                if (200..300).contains(&status) {
                    if let Ok(mut v) = acked.lock() {
                        v.push(id);
                    }
                    n += 1;
                } else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }));
    }

    tokio::time::sleep(timing.before).await;
    let down = t0.elapsed().as_secs_f64();
    pg.running.stop().await?;
    println!("outage: PostgreSQL stopped at {down:.1} s");
    tokio::time::sleep(timing.outage).await;
    let restarted = EmbeddedPostgres::start(pg.bin_dir, pg.data_dir, pg.port).await?;
    let up = t0.elapsed().as_secs_f64();
    println!("outage: PostgreSQL started again at {up:.1} s");
    tokio::time::sleep(timing.after).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await?;
    }
    // The caller's handle stops the server at the end of the run.
    drop(restarted);

    let answers = answers.lock().map(|v| v.clone()).unwrap_or_default();
    print_table(&answers, down, up);
    let first_ok_after = answers
        .iter()
        .filter(|(_, a)| a.at >= up && a.status < 300 && a.status >= 200)
        .map(|(_, a)| a.at + a.ms / 1000.0)
        .fold(f64::INFINITY, f64::min);
    println!(
        "outage: first 2xx {:.1} s after PostgreSQL was back",
        first_ok_after - up
    );

    let acked = acknowledged.lock().map(|v| v.clone()).unwrap_or_default();
    let pool = db::connect(url, 2).await?;
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT external_id FROM tickets WHERE external_id LIKE 'outage-%'")
            .fetch_all(&pool)
            .await?;
    let created = stored.len() as i64;
    let lost = acked.iter().filter(|id| !stored.contains(id)).count();
    // The worker (in the server) analyses what arrived, outage or not.
    let unanalysed = "SELECT count(*) FROM tickets t WHERE external_id LIKE 'outage-%'
                      AND NOT EXISTS (SELECT 1 FROM ticket_analysis a WHERE a.ticket_id = t.id)";
    wait_until(Duration::from_secs(300), || async {
        Ok(sqlx::query_scalar::<_, i64>(unanalysed)
            .fetch_one(&pool)
            .await?
            == 0)
    })
    .await?;
    drop(server);
    let during = |pred: fn(u16) -> bool| {
        answers
            .iter()
            .filter(|(_, a)| phase(a.at, down, up) == "database stopped" && pred(a.status))
            .count() as i64
    };
    let checks = vec![
        Check::equal(
            "answers other than 503 or 2xx while stopped",
            0,
            during(|s| s != 503 && !(200..300).contains(&s)),
        ),
        Check::at_least("503 answers while stopped", 1, during(|s| s == 503)),
        Check::equal(
            "5xx other than 503, whole run",
            0,
            answers
                .iter()
                .filter(|(_, a)| a.status >= 500 && a.status != 503)
                .count() as i64,
        ),
        Check::equal(
            "no answer (timeout, refused), whole run",
            0,
            answers.iter().filter(|(_, a)| a.status == 0).count() as i64,
        ),
        Check::equal("acknowledged tickets missing", 0, lost as i64),
        Check::equal(
            "tickets stored = distinct tickets acknowledged",
            acked.len() as i64,
            created,
        ),
        Check::info("tickets created through the API", created),
    ];
    pool.close().await;
    Ok(checks)
}

fn answer(t0: Instant, sent: Instant, status: u16) -> Answer {
    Answer {
        at: sent.duration_since(t0).as_secs_f64(),
        status,
        ms: sent.elapsed().as_secs_f64() * 1000.0,
    }
}

/// Per client kind and phase: requests, statuses, p50 and p99.
fn print_table(answers: &[(&'static str, Answer)], down: f64, up: f64) {
    let mut groups: BTreeMap<(&str, usize, &str), Vec<Answer>> = BTreeMap::new();
    for (kind, a) in answers {
        let p = phase(a.at, down, up);
        let order = ["before", "database stopped", "after"]
            .iter()
            .position(|x| *x == p)
            .unwrap_or(0);
        groups.entry((kind, order, p)).or_default().push(*a);
    }
    println!("\n| requests | phase | count | statuses | p50 | p99 |\n|---|---|---:|---|---:|---:|");
    for ((kind, _, p), list) in groups {
        let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
        for a in &list {
            *statuses.entry(a.status).or_default() += 1;
        }
        let statuses: Vec<String> = statuses
            .iter()
            .map(|(s, n)| {
                if *s == 0 {
                    format!("no answer ×{n}")
                } else {
                    format!("{s} ×{n}")
                }
            })
            .collect();
        let mut ms: Vec<f64> = list.iter().map(|a| a.ms).collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: f64| ms[((ms.len() as f64 * q) as usize).min(ms.len() - 1)];
        println!(
            "| {kind} | {p} | {} | {} | {:.1} ms | {:.1} ms |",
            list.len(),
            statuses.join(", "),
            at(0.5),
            at(0.99)
        );
    }
}
