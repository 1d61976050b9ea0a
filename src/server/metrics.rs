//! `GET /metrics`: Prometheus text exposition of queue depth and age, analysis lag, analysis stage
//! timings, rollups awaiting an import's catch-up, webhook and e-mail failures and pool use, served by `serve` and, with
//! `--metrics-addr`, by `worker`. Loopback callers only, unless `TICKETLENS_METRICS_TOKEN` is
//! set: then a bearer token from anywhere, and nothing without it.

use crate::server::config::Secret;
use crate::server::db;
use crate::server::state::AppState;
use crate::server::telemetry::stages;
use axum::extract::{ConnectInfo, FromRef, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::net::SocketAddr;

/// What the endpoint reads: the database, the access token, and the health probe when the
/// process runs one.
#[derive(Clone)]
pub struct MetricsState {
    pub pool: sqlx::PgPool,
    pub token: Option<Secret>,
    pub health: Option<crate::server::health::DbHealth>,
}

impl FromRef<AppState> for MetricsState {
    fn from_ref(app: &AppState) -> MetricsState {
        MetricsState {
            pool: app.pool.clone(),
            token: app.settings.metrics_token.clone(),
            health: Some(app.health.clone()),
        }
    }
}

/// A router with `/metrics` alone, for processes without the web app (`ticketlens worker`).
pub fn router(state: MetricsState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(handler))
        .with_state(state)
}

pub async fn handler(
    State(state): State<MetricsState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = allowed(state.token.as_ref(), peer, &headers) {
        return refused.into_response();
    }
    match render(&state).await {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "cannot gather metrics");
            (StatusCode::SERVICE_UNAVAILABLE, "metrics unavailable\n").into_response()
        }
    }
}

/// The access rule: with a token configured, exactly that bearer token; without, loopback only.
/// Why a scrape is refused.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    /// A token is configured and the request does not carry it.
    Token,
    /// No token is configured and the caller is not on loopback.
    NotLoopback,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Token => (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "metrics need the bearer token in TICKETLENS_METRICS_TOKEN\n",
            )
                .into_response(),
            Refused::NotLoopback => (
                StatusCode::FORBIDDEN,
                "metrics are served to loopback only; set TICKETLENS_METRICS_TOKEN to scrape from elsewhere\n",
            )
                .into_response(),
        }
    }
}

fn allowed(token: Option<&Secret>, peer: SocketAddr, headers: &HeaderMap) -> Result<(), Refused> {
    match token {
        Some(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            // Compare digests so the time taken does not depend on how much of the token matched.
            if Sha256::digest(given.as_bytes()) == Sha256::digest(token.expose().as_bytes()) {
                Ok(())
            } else {
                Err(Refused::Token)
            }
        }
        None if peer.ip().is_loopback() => Ok(()),
        None => Err(Refused::NotLoopback),
    }
}

/// One metric family: its help line, type and samples (`labels`, value).
struct Family<'a> {
    out: &'a mut String,
}

impl Family<'_> {
    fn start<'a>(out: &'a mut String, name: &str, kind: &str, help: &str) -> Family<'a> {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        Family { out }
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.out.push_str(name);
        if !labels.is_empty() {
            let inner: Vec<String> = labels
                .iter()
                .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                .collect();
            let _ = write!(self.out, "{{{}}}", inner.join(","));
        }
        let _ = writeln!(self.out, " {value}");
        self
    }
}

/// Label values escaped as the exposition format requires.
fn escape(v: &str) -> String {
    v.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

async fn render(state: &MetricsState) -> anyhow::Result<String> {
    let pool = &state.pool;
    let (jobs, lag, (rollup_pending, rollup_age), webhooks, emails) = tokio::try_join!(
        db::metrics::jobs(pool),
        db::metrics::analysis_lag_seconds(pool, crate::server::jobs::ANALYSE),
        db::metrics::rollup_pending(pool),
        db::metrics::webhooks(pool),
        db::metrics::emails(pool),
    )?;
    let mut out = String::with_capacity(4096);
    let name = "ticketlens_jobs";
    let mut f = Family::start(
        &mut out,
        name,
        "gauge",
        "Jobs by kind and state (queued includes jobs waiting to retry).",
    );
    for j in &jobs {
        f.sample(
            name,
            &[("kind", &j.kind), ("state", &j.status)],
            j.count as f64,
        );
    }
    let name = "ticketlens_job_oldest_age_seconds";
    let mut f = Family::start(
        &mut out,
        name,
        "gauge",
        "Age of the oldest queued or running job by kind and state.",
    );
    for j in jobs.iter().filter(|j| j.status != "failed") {
        f.sample(
            name,
            &[("kind", &j.kind), ("state", &j.status)],
            j.oldest_seconds,
        );
    }
    let name = "ticketlens_analysis_lag_seconds";
    Family::start(
        &mut out,
        name,
        "gauge",
        "How long the oldest ticket waiting for analysis has waited (0 when none waits).",
    )
    .sample(name, &[], lag);
    let name = "ticketlens_rollup_pending_tickets";
    Family::start(
        &mut out,
        name,
        "gauge",
        "Imported tickets not yet counted on the analytics pages (caught up when an import ends).",
    )
    .sample(name, &[], rollup_pending as f64);
    let name = "ticketlens_rollup_pending_age_seconds";
    Family::start(
        &mut out,
        name,
        "gauge",
        "How long the oldest of them has waited (the worker sweeps after five minutes).",
    )
    .sample(name, &[], rollup_age);

    let (totals, analysed) = stages::snapshot();
    let name = "ticketlens_analysis_stage_seconds_total";
    let mut f = Family::start(
        &mut out,
        name,
        "counter",
        "Time this process spent in each analysis stage.",
    );
    for t in &totals {
        f.sample(name, &[("stage", t.stage.name())], t.seconds);
    }
    let name = "ticketlens_analysis_stage_runs_total";
    let mut f = Family::start(
        &mut out,
        name,
        "counter",
        "Times this process ran each analysis stage (once per batch).",
    );
    for t in &totals {
        f.sample(name, &[("stage", t.stage.name())], t.calls as f64);
    }
    let name = "ticketlens_tickets_analysed_total";
    Family::start(
        &mut out,
        name,
        "counter",
        "Tickets whose analysis this process committed.",
    )
    .sample(name, &[], analysed as f64);

    for (name, what, o) in [
        (
            "ticketlens_webhook_deliveries",
            "Webhook deliveries",
            &webhooks,
        ),
        ("ticketlens_emails", "E-mails", &emails),
    ] {
        let help = format!("{what} not yet through: pending (no try yet), retrying (failed, will retry), dead (given up).");
        Family::start(&mut out, name, "gauge", &help)
            .sample(name, &[("state", "pending")], o.pending as f64)
            .sample(name, &[("state", "retrying")], o.retrying as f64)
            .sample(name, &[("state", "dead")], o.dead as f64);
    }

    let (size, idle) = (pool.size(), pool.num_idle() as u32);
    let name = "ticketlens_db_pool_connections";
    Family::start(
        &mut out,
        name,
        "gauge",
        "Database pool connections: in use and idle.",
    )
    .sample(
        name,
        &[("state", "in_use")],
        f64::from(size.saturating_sub(idle)),
    )
    .sample(name, &[("state", "idle")], f64::from(idle));
    let name = "ticketlens_db_pool_max_connections";
    Family::start(
        &mut out,
        name,
        "gauge",
        "The pool's limit; in use at the limit means requests wait for a connection.",
    )
    .sample(name, &[], f64::from(pool.options().get_max_connections()));
    let name = "ticketlens_database_up";
    Family::start(
        &mut out,
        name,
        "gauge",
        "1 while the health probe reaches PostgreSQL.",
    )
    .sample(
        name,
        &[],
        match &state.health {
            Some(h) if h.is_down() => 0.0,
            _ => 1.0,
        },
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{allowed, escape, Family, Refused};
    use crate::server::config::Secret;
    use http::{HeaderMap, HeaderValue};

    fn status(token: Option<&str>, peer: &str, bearer: Option<&str>) -> Option<Refused> {
        let token = token.map(|t| Secret::new(t.into()));
        let mut headers = HeaderMap::new();
        if let Some(b) = bearer {
            headers.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {b}")).unwrap(),
            );
        }
        allowed(token.as_ref(), peer.parse().unwrap(), &headers).err()
    }

    #[test]
    fn without_a_token_only_loopback_may_scrape() {
        assert_eq!(status(None, "127.0.0.1:5000", None), None);
        assert_eq!(status(None, "[::1]:5000", None), None);
        assert_eq!(
            status(None, "192.0.2.7:5000", None),
            Some(Refused::NotLoopback)
        );
    }

    #[test]
    fn with_a_token_everyone_needs_it() {
        let t = Some("s3cret");
        assert_eq!(status(t, "192.0.2.7:5000", Some("s3cret")), None);
        assert_eq!(status(t, "127.0.0.1:5000", None), Some(Refused::Token));
        assert_eq!(
            status(t, "127.0.0.1:5000", Some("s3cre")),
            Some(Refused::Token)
        );
    }

    #[test]
    fn samples_follow_the_exposition_format() {
        let mut out = String::new();
        Family::start(&mut out, "x_total", "counter", "Things.")
            .sample("x_total", &[("kind", "a\"b")], 2.0)
            .sample("x_total", &[], 0.5);
        assert_eq!(
            out,
            "# HELP x_total Things.\n# TYPE x_total counter\nx_total{kind=\"a\\\"b\"} 2\nx_total 0.5\n"
        );
        assert_eq!(escape("a\\b\nc"), "a\\\\b\\nc");
    }
}
