//! A local webhook receiver for the fault runs: records every delivery it gets and answers 200 after a delay, so a worker can be killed while deliveries are in flight.

use axum::body::Bytes;
use axum::http::HeaderMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as received: its delivery id header and the event id in its body.
#[derive(Debug, Clone)]
pub struct Got {
    pub delivery: String,
    pub event_id: i64,
}

pub struct Receiver {
    pub url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Receiver {
    /// Serves `POST /hook` on 127.0.0.1 with a random port; each answer waits `delay`.
    pub async fn start(delay: Duration) -> anyhow::Result<Receiver> {
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let log = got.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap, body: Bytes| {
                let log = log.clone();
                async move {
                    tokio::time::sleep(delay).await;
                    let delivery = headers
                        .get(crate::server::webhooks::DELIVERY_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    let event_id = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["event_id"].as_i64())
                        .unwrap_or(-1);
                    if let Ok(mut g) = log.lock() {
                        g.push(Got { delivery, event_id });
                    }
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hook", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Receiver { url, got })
    }

    /// Every request so far.
    pub fn got(&self) -> Vec<Got> {
        self.got.lock().map(|g| g.clone()).unwrap_or_default()
    }

    /// How many different events arrived.
    pub fn distinct_events(&self) -> usize {
        self.got()
            .iter()
            .map(|g| g.event_id)
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// What the receiver saw: events, requests, repeats under the same id, events that came
/// under more than one delivery id.
#[derive(Debug, Default)]
pub struct Tally {
    pub events: usize,
    pub requests: usize,
    pub same_id_repeats: usize,
    pub events_with_two_ids: usize,
}

pub fn tally(got: &[Got]) -> Tally {
    let mut ids: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    for g in got {
        ids.entry(g.event_id).or_default().insert(&g.delivery);
    }
    let distinct_ids: usize = ids.values().map(BTreeSet::len).sum();
    Tally {
        events: ids.len(),
        requests: got.len(),
        same_id_repeats: got.len() - distinct_ids,
        events_with_two_ids: ids.values().filter(|s| s.len() > 1).count(),
    }
}
