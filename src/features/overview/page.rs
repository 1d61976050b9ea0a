//! Overview page view: the filter bar, headline figures with their change, the volume trend, and breakdowns that link to the tickets.

use super::api::get_overview;
use super::{Breakdown, Figure, Overview};
use crate::components::filter_bar::filtered_href;
use crate::components::{fmt_count, loaded, ExportLink, FilterBar};
use crate::domain::analytics::AnalyticsFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let params = use_query_map();
    let filter = Memo::new(move |_| {
        let p = params.read();
        AnalyticsFilter::from_params(|k| p.get(k))
    });
    let data = Resource::new(move || filter.get(), get_overview);
    view! {
        <h1>"Overview"</h1>
        {loaded(data, "Loading figures…", move |o| view! { <Figures o filter=filter.get_untracked()/> })}
    }
}

#[component]
fn Figures(o: Overview, filter: AnalyticsFilter) -> impl IntoView {
    let bar = view! { <FilterBar action="/" filter=filter.clone() choices=o.choices.clone() period=o.period/> };
    let Some(period) = o.period else {
        return view! { {bar} <p class="muted">"No tickets yet: import some on the Data page."</p> }
            .into_any();
    };
    let export_filter = filter.clone();
    let kpis = o
        .figures
        .into_iter()
        .map(|f| view! { <Kpi f/> })
        .collect_view();
    // A category narrows this page (the Tickets page has no category filter yet).
    let by_category = {
        let filter = filter.clone();
        move |v: &str| {
            let narrowed = AnalyticsFilter {
                category: Some(v.to_string()),
                ..filter.clone()
            };
            filtered_href("/", &narrowed)
        }
    };
    // Links keep the period and the product; the Tickets page filters by these columns.
    let tickets = move |param: &'static str, value: &str| {
        let mut href = format!("/tickets?from={}&to={}", period.from, period.to);
        if let Some(p) = filter.product {
            href.push_str(&format!("&product={p}"));
        }
        if let Some(c) = filter.channel {
            href.push_str(&format!("&channel={c}"));
        }
        href.push_str(&format!("&{param}={}", crate::domain::url::encode(value)));
        href
    };
    view! {
        {bar}
        <p class="muted" data-testid="period">
            {format!("{} to {} ({} days), compared with {} to {}.", period.from, period.to, period.days(),
                o.previous.map(|p| p.from.to_string()).unwrap_or_default(),
                o.previous.map(|p| p.to.to_string()).unwrap_or_default())}
        </p>
        <div class="kpis" data-testid="kpis">{kpis}</div>
        <CurrentAlerts alerts=o.alerts/>
        <section class="card chart" data-testid="volume-chart" inner_html=o.volume_svg></section>
        <div class="breakdowns">
            <BreakdownTable title="By channel" rows=o.by_channel link=move |v| tickets("channel", v)/>
            <BreakdownTable title="By priority" rows=o.by_priority link=move |v| tickets("priority", v)/>
            <BreakdownTable title="By category" rows=o.by_category link=by_category/>
        </div>
        <ExportLink href=filtered_href("/export/overview.csv", &export_filter)/>
    }
    .into_any()
}

#[component]
fn Kpi(f: Figure) -> impl IntoView {
    let class = match f.better {
        Some(true) => "kpi-note better",
        Some(false) => "kpi-note worse",
        None => "kpi-note",
    };
    view! {
        <div class="card kpi" data-testid=format!("kpi-{}", f.key)>
            <div class="kpi-label">{f.label}</div>
            <div class="kpi-value">{f.value}</div>
            <div class=class>{f.change.unwrap_or_else(|| "no earlier data".into())}</div>
        </div>
    }
}

#[component]
fn BreakdownTable(
    title: &'static str,
    rows: Breakdown,
    link: impl Fn(&str) -> String + 'static,
) -> impl IntoView {
    let total: i64 = rows.iter().map(|(_, n)| n).sum::<i64>().max(1);
    let body = rows
        .into_iter()
        .map(|(name, n)| {
            let share = n as f64 * 100.0 / total as f64;
            view! {
                <tr>
                    <td><a href=link(&name)>{name.clone()}</a></td>
                    <td class="num">{fmt_count(n)}</td>
                    <td class="bar-cell"><span class="bar" style=format!("width:{share:.1}%")></span>{format!("{share:.1}%")}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{title}</h2>
            <table class="grid compact">
                <thead><tr><th>""</th><th>"Tickets"</th><th>"Share"</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}

/// The current alerts, short, with a link to the Alerts page.
#[component]
fn CurrentAlerts(alerts: Vec<crate::features::alerts::AlertView>) -> impl IntoView {
    let items = alerts
        .into_iter()
        .map(|a| {
            view! {
                <li>
                    <span class=format!("badge alert-{}", a.kind)>{a.kind_label()}</span>" "
                    <a href=a.tickets_href()>{a.subject()}</a>
                    {format!(" since {}: {}", a.since.format("%e %b"), a.size())}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let empty = items.is_empty();
    view! {
        <section class="card" data-testid="overview-alerts">
            <h2>"Current alerts"</h2>
            {empty.then(|| view! { <p class="muted">"None."</p> })}
            <ul class="alerts">{items}</ul>
            <a href="/alerts">"All alerts"</a>
        </section>
    }
}
