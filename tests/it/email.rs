//! E-mail over SMTP against a real SMTP server (aiosmtpd's Mailbox sink, installed by
//! scripts/setup.sh): a reply is e-mailed once with a stable Message-ID and recorded on the
//! ticket, a sink that is down means a retry (not a loss or a duplicate), and escalations notify
//! the team.

use crate::common;
use common::{spawn_app_with, TestApp};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use ticketlens::server::config::{default_cache_dir, Secret};
use ticketlens::server::mail::MailSettings;

/// aiosmtpd writing every message it accepts into a maildir.
struct Sink {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

impl Sink {
    fn new() -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("tl-maildir-{}-{port}", std::process::id()));
        Sink {
            child: None,
            port,
            dir,
        }
    }

    async fn start(&mut self) {
        let py = default_cache_dir().join("py");
        assert!(
            py.join("aiosmtpd").is_dir(),
            "the e-mail tests need aiosmtpd in {}: run scripts/setup.sh --e2e",
            py.display()
        );
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&self.dir)
            .env("PYTHONPATH", &py)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not start on port {}", self.port);
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The raw messages received so far.
    fn messages(&self) -> Vec<String> {
        let new = self.dir.join("new");
        let Ok(entries) = std::fs::read_dir(&new) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn app_mailing_to(sink: &Sink, tickets: usize) -> TestApp {
    let port = sink.port;
    spawn_app_with(tickets, move |s| {
        s.mail = Some(MailSettings {
            url: Secret::new(format!("smtp://127.0.0.1:{port}")),
            from: "Support <support@example.com>".parse().unwrap(),
            notify: Some("Team <team@example.com>".parse().unwrap()),
            public_url: "http://tl.example".into(),
        });
    })
    .await
}

/// A ticket whose customer has an e-mail address: (id, subject, address).
async fn ticket_with_address(app: &TestApp) -> (i64, String, String) {
    sqlx::query_as(
        "SELECT t.id, t.subject, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id
         WHERE c.email LIKE '%@%' ORDER BY t.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

async fn reply(app: &TestApp, ticket: i64, body: &str) {
    let agent = app.login("agent@example.com").await;
    let (status, location) = app
        .post_form(
            &agent,
            "/api/escalation/reply",
            &[("ticket_id", &ticket.to_string()), ("body", body)],
        )
        .await;
    assert_eq!(status, 302, "reply refused: {location}");
    assert!(location.contains("e-mailed"), "{location}");
}

#[tokio::test]
async fn a_reply_is_emailed_once_and_recorded_on_the_ticket() {
    let mut sink = Sink::new();
    sink.start().await;
    let app = app_mailing_to(&sink, 40).await;
    let (ticket, subject, address) = ticket_with_address(&app).await;
    reply(&app, ticket, "We refunded the second charge today.").await;
    app.run_jobs().await;

    let replies: Vec<String> = sink
        .messages()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|t| t.contains(&address)))
        .collect();
    assert_eq!(replies.len(), 1, "one e-mail to {address}");
    let m = &replies[0];
    assert_eq!(
        header(m, "Subject"),
        Some(format!("Re: {} [#{ticket}]", subject.trim()).as_str())
    );
    assert!(header(m, "From").unwrap().contains("support@example.com"));
    assert!(m.contains("We refunded the second charge today."));
    let (status, message_id, delivery): (String, String, String) = sqlx::query_as(
        "SELECT m.status, m.message_id, r.delivery FROM emails m
         JOIN responses r ON r.id = m.response_id WHERE m.ticket_id = $1 AND m.kind = 'reply'",
    )
    .bind(ticket)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((status.as_str(), delivery.as_str()), ("sent", "email"));
    assert_eq!(header(m, "Message-ID"), Some(message_id.as_str()));
    let shown = ticketlens::server::db::responses::of_ticket(&app.pool, ticket)
        .await
        .unwrap()
        .into_iter()
        .find_map(|r| r.email)
        .expect("the reply shows its e-mail");
    assert!(
        shown.starts_with(&format!("e-mailed to {address} at ")),
        "{shown}"
    );

    // Running the worker again sends nothing more.
    let before = sink.messages().len();
    app.run_jobs().await;
    assert_eq!(sink.messages().len(), before);

    // Escalated demo tickets notified the team, once each, with a link to the inbox.
    let escalated: i64 = sqlx::query_scalar("SELECT count(*) FROM escalations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let notes: Vec<String> = sink
        .messages()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|t| t.contains("team@example.com")))
        .collect();
    assert_eq!(
        notes.len() as i64,
        escalated,
        "one notification per escalation"
    );
    if let Some(n) = notes.first() {
        assert!(header(n, "Subject").unwrap().starts_with("Escalated: #"));
        assert!(n.contains("http://tl.example/inbox/"), "{n}");
    }
}

#[tokio::test]
async fn a_sink_that_is_down_means_a_retry_not_a_loss_or_a_duplicate() {
    let mut sink = Sink::new();
    let app = app_mailing_to(&sink, 0).await;
    let token = app.api_token("admin@example.com").await;
    let (status, t) = app
        .call_api(
            &token,
            reqwest::Method::POST,
            "/tickets",
            Some(
                &serde_json::json!({"subject": "Where is my parcel", "body": "Late.",
                                     "customer_email": "bo@example.com"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{t}");
    let ticket = t["id"].as_i64().unwrap();
    reply(&app, ticket, "It ships tomorrow.").await;
    app.run_jobs().await;
    let (state, attempts, error): (String, i32, Option<String>) =
        sqlx::query_as("SELECT status, attempts, last_error FROM emails WHERE ticket_id = $1")
            .bind(ticket)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((state.as_str(), attempts), ("pending", 1), "{error:?}");
    assert!(error.is_some_and(|e| !e.is_empty()));
    let shown = ticketlens::server::db::responses::of_ticket(&app.pool, ticket)
        .await
        .unwrap()
        .into_iter()
        .find_map(|r| r.email)
        .expect("the reply shows its e-mail");
    assert!(shown.contains("queued (1 attempts"), "{shown}");

    // The sink comes up; the retry (made due now rather than after its backoff) is sent once.
    sink.start().await;
    sqlx::query("UPDATE emails SET next_attempt_at = now() WHERE ticket_id = $1")
        .bind(ticket)
        .execute(&app.pool)
        .await
        .unwrap();
    app.run_jobs().await;
    app.run_jobs().await;
    let got: Vec<String> = sink
        .messages()
        .into_iter()
        .filter(|m| m.contains("It ships tomorrow."))
        .collect();
    assert_eq!(got.len(), 1);
    let state: String = sqlx::query_scalar("SELECT status FROM emails WHERE ticket_id = $1")
        .bind(ticket)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(state, "sent");
}
