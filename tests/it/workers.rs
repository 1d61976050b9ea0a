//! Scale-out: two `ticketlens worker` processes on one database split the analysis queue, and no
//! ticket is analysed twice.

use crate::common::{fresh_database, model_dir};
use std::process::Stdio;
use std::time::Duration;
use ticketlens::server::{db, tools::demo::DemoConfig, tools::seed};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Starts `ticketlens worker` connecting as `name` (serving `/metrics` on `metrics_port` when
/// given), and waits until it says it runs.
async fn worker(url: &str, name: &str, metrics_port: Option<u16>) -> tokio::process::Child {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_ticketlens"));
    cmd.arg("worker");
    if let Some(port) = metrics_port {
        cmd.args(["--metrics-addr", &format!("127.0.0.1:{port}")]);
    }
    let mut child = cmd
        .env("DATABASE_URL", format!("{url}?application_name={name}"))
        .env("TICKETLENS_MODEL_DIR", model_dir())
        .env("TICKETLENS_DEMO_TICKETS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.starts_with("worker running") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(ready, Ok(true), "{name} did not start");
    child
}

#[tokio::test]
async fn two_worker_processes_split_the_queue_and_analyse_each_ticket_once() {
    let url = fresh_database().await;
    let pool = db::connect(&url, 2).await.unwrap();
    db::migrate(&pool).await.unwrap();
    // Every write of a ticket's analysis (first insert, or a second analysis overwriting it) is
    // logged with the connection's application name, i.e. which worker wrote it.
    sqlx::raw_sql(
        "CREATE TABLE analysis_writes (ticket_id bigint, writer text);
         CREATE FUNCTION log_analysis_write() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           INSERT INTO analysis_writes VALUES (NEW.ticket_id, current_setting('application_name'));
           RETURN NULL;
         END $$;
         CREATE TRIGGER log_analysis_write AFTER INSERT OR UPDATE OF analysed_at ON ticket_analysis
           FOR EACH ROW EXECUTE FUNCTION log_analysis_write();",
    )
    .execute(&pool)
    .await
    .unwrap();
    // A free port for worker-a's /metrics.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_a, _b) = tokio::join!(
        worker(&url, "worker-a", Some(port)),
        worker(&url, "worker-b", None)
    );

    // Both wait on an empty queue; then 600 tickets arrive at once.
    let cfg = DemoConfig {
        tickets: 600,
        seed: 5,
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    seed::load_demo(&pool, &cfg, |_| {}).await.unwrap();
    let mut analysed = 0i64;
    for _ in 0..1200 {
        analysed = sqlx::query_scalar("SELECT count(*) FROM ticket_analysis")
            .fetch_one(&pool)
            .await
            .unwrap();
        if analysed == 600 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(analysed, 600, "every ticket analysed within two minutes");

    let (writes, tickets): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT ticket_id) FROM analysis_writes")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((writes, tickets), (600, 600), "each ticket written once");
    let per_worker: Vec<(String, i64)> = sqlx::query_as(
        "SELECT writer, count(*) FROM analysis_writes GROUP BY writer ORDER BY writer",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    eprintln!("tickets per worker: {per_worker:?}");
    assert_eq!(
        per_worker.len(),
        2,
        "both workers took a share: {per_worker:?}"
    );
    assert!(per_worker.iter().all(|(_, n)| *n >= 64), "{per_worker:?}");
    // worker-a's own /metrics counts exactly the tickets it wrote.
    let body = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let analysed = body
        .lines()
        .find_map(|l| l.strip_prefix("ticketlens_tickets_analysed_total "))
        .unwrap_or_else(|| panic!("no analysed count in\n{body}"));
    assert_eq!(analysed, per_worker[0].1.to_string(), "{body}");
    assert!(body.contains("ticketlens_analysis_stage_runs_total{stage=\"infer\"}"));
    let jobs = db::jobs::counts(&pool, ticketlens::server::jobs::ANALYSE)
        .await
        .unwrap();
    assert_eq!((jobs.done, jobs.failed), (600, 0));
}
