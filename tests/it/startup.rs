//! Start-up failures end in one clear sentence, and secrets stay out of logs.

use ticketlens::server::config::{DatabaseSettings, Secret, Settings};
use ticketlens::server::startup::Database;

fn settings(database: DatabaseSettings) -> Settings {
    Settings {
        database,
        demo_tickets: 0,
        demo_seed: 1,
        demo_tuning_pairs: 0,
        demo_password: None,
        secure_cookies: false,
        embedder: ticketlens::server::config::EmbedderConfig::new(
            ticketlens::server::config::default_model_dir(),
        ),
        metrics_token: None,
        run_workers: false,
        llm: None,
        mail: None,
    }
}

#[tokio::test]
async fn missing_embedded_binaries_are_named_with_the_fix() {
    let s = settings(DatabaseSettings::Embedded {
        bin_dir: "/nonexistent/pg/bin".into(),
        data_dir: std::env::temp_dir().join("tl-never-created"),
        port: 1,
        database: "x".into(),
    });
    let err = Database::open(&s).await.err().expect("must fail");
    let msg = format!("{err:#}");
    assert!(
        msg.contains("no DATABASE_URL is set and the embedded PostgreSQL is not installed at /nonexistent/pg/bin")
            && msg.contains("scripts/setup.sh"),
        "{msg}"
    );
}

#[tokio::test]
async fn an_unreachable_database_url_says_so() {
    // Nothing listens on port 9 of the loopback interface.
    let s = settings(DatabaseSettings::External(Secret::new(
        "postgres://nobody@127.0.0.1:9/none".into(),
    )));
    let err = Database::open(&s).await.err().expect("must fail");
    let msg = format!("{err:#}");
    assert!(
        msg.starts_with("cannot reach the PostgreSQL server in DATABASE_URL"),
        "{msg}"
    );
    assert!(
        !msg.contains("nobody@"),
        "the URL (a secret) must not be echoed: {msg}"
    );
}

#[tokio::test]
async fn a_malformed_database_url_is_reported_as_such() {
    let s = settings(DatabaseSettings::External(Secret::new("mysql://x".into())));
    let err = Database::open(&s).await.err().expect("must fail");
    assert!(
        format!("{err:#}").contains("not a valid PostgreSQL URL"),
        "{err:#}"
    );
}

#[test]
fn secrets_do_not_leak_through_debug() {
    let s = settings(DatabaseSettings::External(Secret::new(
        "postgres://u:hunter2@h/db".into(),
    )));
    assert!(!format!("{s:?}").contains("hunter2"));
}
