//! CSV export of the app's tables (`GET /export/{table}.csv` with the page's own query string), checked against the same role table as the pages.

use crate::domain::analytics::AnalyticsFilter;
use crate::domain::role::Area;
use crate::domain::ticket_view::TicketQuery;
use crate::server::auth::SessionUser;
use crate::server::db;
use crate::server::db::rollups::{self, Dimension, Group, Measure};
use crate::server::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::{header, StatusCode};
use std::collections::HashMap;

/// Rows a ticket export holds at most.
pub const MAX_TICKETS: i64 = 100_000;

/// The tables that can be exported, with the area whose pages show them.
pub const TABLES: [(&str, Area); 7] = [
    ("tickets", Area::Tickets),
    ("overview", Area::Overview),
    ("heatmap", Area::Overview),
    ("trends", Area::Overview),
    ("alerts", Area::Overview),
    ("quality", Area::Data),
    ("imports", Area::Data),
];

/// CSV text from a header and rows.
fn csv_of(header: &[&str], rows: Vec<Vec<String>>) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub async fn export(
    State(state): State<AppState>,
    Extension(SessionUser(user)): Extension<SessionUser>,
    Path(file): Path<String>,
    Query(p): Query<HashMap<String, String>>,
) -> Response {
    let Some(name) = file.strip_suffix(".csv") else {
        return (StatusCode::NOT_FOUND, "unknown export").into_response();
    };
    let Some((_, area)) = TABLES.iter().find(|(t, _)| *t == name) else {
        return (StatusCode::NOT_FOUND, "unknown export").into_response();
    };
    let Some(user) = user else {
        return (StatusCode::UNAUTHORIZED, "log in first").into_response();
    };
    if !area.allows(user.role) {
        return (StatusCode::FORBIDDEN, "your role cannot see this table").into_response();
    }
    match table(&state, name, &p).await {
        Ok(body) => {
            let stamp = chrono::Utc::now().format("%Y%m%d-%H%M");
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"ticketlens-{name}-{stamp}.csv\""),
                    ),
                ],
                body,
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(error = ?e, name, "export failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed; see the server log",
            )
                .into_response()
        }
    }
}

async fn table(
    state: &AppState,
    name: &str,
    p: &HashMap<String, String>,
) -> anyhow::Result<String> {
    let pool = &state.pool;
    let get = |k: &str| p.get(k).cloned();
    let filter = AnalyticsFilter::from_params(get);
    let latest = rollups::latest_day(pool).await?;
    match name {
        "tickets" => {
            let q = TicketQuery {
                after: None,
                ..TicketQuery::from_params(get)
            };
            let (rows, _) = db::tickets::list(pool, &q, MAX_TICKETS).await?;
            csv_of(
                &[
                    "id",
                    "subject",
                    "customer",
                    "product",
                    "channel",
                    "priority",
                    "status",
                    "created_at",
                    "csat",
                ],
                rows.into_iter()
                    .map(|r| {
                        vec![
                            r.id.to_string(),
                            r.subject,
                            opt(r.customer),
                            opt(r.product),
                            r.channel,
                            r.priority,
                            r.status,
                            r.created_at.to_rfc3339(),
                            opt(r.csat),
                        ]
                    })
                    .collect(),
            )
        }
        "overview" => {
            let mut rows = Vec::new();
            if let Some(latest) = latest {
                let period = filter.period(latest);
                for (dim, label) in [
                    (Dimension::Channel, "channel"),
                    (Dimension::Priority, "priority"),
                    (Dimension::Category, "category"),
                ] {
                    for (value, n) in rollups::breakdown(pool, dim, period, &filter).await? {
                        rows.push(vec![
                            period.from.to_string(),
                            period.to.to_string(),
                            label.to_string(),
                            value,
                            n.to_string(),
                        ]);
                    }
                }
            }
            csv_of(&["from", "to", "dimension", "value", "tickets"], rows)
        }
        "heatmap" => {
            let mut rows = Vec::new();
            if let Some(latest) = latest {
                let period = filter.period(latest);
                let negative =
                    rollups::product_category(pool, Measure::NegativeShare, period, &filter)
                        .await?;
                let escalated =
                    rollups::product_category(pool, Measure::EscalationRate, period, &filter)
                        .await?;
                let esc: HashMap<(String, String), Option<f64>> = escalated
                    .into_iter()
                    .map(|(_, (p, c, v, _))| ((p, c), v))
                    .collect();
                for (_, (product, category, neg, n)) in negative {
                    let e = esc
                        .get(&(product.clone(), category.clone()))
                        .copied()
                        .flatten();
                    rows.push(vec![product, category, n.to_string(), opt(neg), opt(e)]);
                }
            }
            csv_of(
                &[
                    "product",
                    "category",
                    "tickets",
                    "negative_share",
                    "escalation_rate",
                ],
                rows,
            )
        }
        "trends" => {
            let mut rows = Vec::new();
            if let Some(latest) = latest {
                let period = filter.period(latest);
                let previous = period.previous();
                let group = get("by").and_then(|b| Group::parse(&b)).unwrap_or_default();
                let names: HashMap<String, String> = db::tickets::products(pool)
                    .await?
                    .into_iter()
                    .map(|(id, n)| (id.to_string(), n))
                    .collect();
                let share = |a: i64, b: i64| (b > 0).then(|| a as f64 / b as f64);
                for c in rollups::group_changes(pool, group, period, previous, &filter).await? {
                    let label = match group {
                        Group::Product => names.get(&c.key).cloned().unwrap_or(c.key.clone()),
                        Group::Category => c.key.clone(),
                    };
                    rows.push(vec![
                        label,
                        c.n.to_string(),
                        c.before_n.to_string(),
                        opt(share(c.negative_n, c.analysed_n)),
                        opt(share(c.before_negative_n, c.before_analysed_n)),
                    ]);
                }
            }
            csv_of(
                &[
                    "group",
                    "tickets",
                    "tickets_before",
                    "negative_share",
                    "negative_share_before",
                ],
                rows,
            )
        }
        "alerts" => {
            let mut rows = Vec::new();
            if let Some(latest) = latest {
                let period = filter.period(latest);
                let list = db::alerts::list(pool, period.from, period.to, &filter, 10_000).await?;
                for a in list {
                    rows.push(vec![
                        a.id.to_string(),
                        a.kind.clone(),
                        opt(a.product.clone()),
                        opt(a.category.clone()),
                        opt(a.cluster.clone()),
                        a.since.to_string(),
                        a.until.to_string(),
                        a.tickets.to_string(),
                        format!("{:.2}", a.expected),
                        opt(a.p_value),
                        a.tickets_href(),
                    ]);
                }
            }
            csv_of(
                &[
                    "id",
                    "kind",
                    "product",
                    "category",
                    "cluster",
                    "since",
                    "until",
                    "tickets",
                    "expected",
                    "p_value",
                    "tickets_path",
                ],
                rows,
            )
        }
        "quality" => {
            let mut rows = Vec::new();
            for (r, at) in db::quality::reports(pool).await? {
                for f in r.findings() {
                    rows.push(vec![r.source.clone(), at.clone(), f]);
                }
            }
            csv_of(&["source", "checked_at", "finding"], rows)
        }
        _ => {
            let rows = db::imports::recent(pool, 1000)
                .await?
                .into_iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.file_name,
                        r.source,
                        r.started_at.to_rfc3339(),
                        r.rows_read.to_string(),
                        r.inserted.to_string(),
                        r.duplicates.to_string(),
                        r.skipped.to_string(),
                        opt(r.failure),
                    ]
                })
                .collect();
            csv_of(
                &[
                    "id",
                    "file",
                    "source",
                    "started_at",
                    "rows_read",
                    "inserted",
                    "duplicates",
                    "skipped",
                    "failure",
                ],
                rows,
            )
        }
    }
}
