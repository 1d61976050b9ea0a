//! A database outage as the app sees it: a PostgreSQL of the test's own, stopped and started
//! again under the running app. Pages and the API answer 503 with Retry-After meanwhile, and
//! everything works again by itself once the database is back, with nothing lost.

use crate::common;
use std::time::{Duration, Instant};
use ticketlens::server::pg::EmbeddedPostgres;

/// Polls `url` with `client` until it answers `status`, for at most 30 s; returns the answer.
async fn until_status(client: &reqwest::Client, url: &str, status: u16) -> reqwest::Response {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = client.get(url).send().await.unwrap();
        if res.status() == status {
            return res;
        }
        assert!(Instant::now() < deadline, "{url} never answered {status}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn an_outage_means_503_meanwhile_and_recovers_by_itself() {
    let bin = std::env::var("TICKETLENS_PG_BIN")
        .map(Into::into)
        .unwrap_or_else(|_| ticketlens::server::config::default_pg_bin_dir());
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ticketlens/test-outage-pgdata");
    let port = 54349;
    EmbeddedPostgres::stop_if_running(&bin, &dir).await.unwrap();
    let pg = EmbeddedPostgres::start(&bin, &dir, port).await.unwrap();
    let url = pg.url("outage");
    ticketlens::server::db::recreate_database(&url)
        .await
        .unwrap();
    let app = common::spawn_app_on(url, 20, |_| {}).await;
    let manager = app.login("manager@example.com").await;
    let token = app.api_token("manager@example.com").await;
    let page = format!("{}/", app.base);
    let api = reqwest::Client::new();
    let tickets = format!("{}/api/v1/tickets", app.base);

    pg.stop().await.unwrap();
    let res = until_status(&manager, &page, 503).await;
    assert_eq!(res.headers()["retry-after"], "5");
    let res = api.get(&tickets).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let health = api
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 503, "load balancers see the outage");

    let pg = EmbeddedPostgres::start(&bin, &dir, port).await.unwrap();
    let res = until_status(&manager, &page, 200).await;
    assert!(res.text().await.unwrap().contains("Overview"));
    let res = until_status(&api, &format!("{}/healthz", app.base), 200).await;
    drop(res);
    let (status, body) = app
        .call_api(&token, reqwest::Method::GET, "/tickets", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 20, "the data is all there: {body}");
    pg.stop().await.unwrap();
}
