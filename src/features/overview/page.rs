//! Overview page view: headline figures, the volume chart, and counts by channel, priority, status.

use super::api::get_overview;
use super::{Breakdown, Overview};
use crate::components::{fmt_count, loaded};
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_overview());
    view! {
        <h1>"Overview"</h1>
        {loaded(data, "Loading figures…", |o| view! { <Figures o/> })}
    }
}

#[component]
fn Figures(o: Overview) -> impl IntoView {
    let change = if o.previous_30_days > 0 {
        let pct = (o.last_30_days - o.previous_30_days) as f64 * 100.0 / o.previous_30_days as f64;
        format!("{pct:+.0}% vs the 30 days before")
    } else {
        "no earlier period".to_string()
    };
    view! {
        <div class="kpis">
            <Kpi label="Tickets" value=fmt_count(o.total) note="all time".to_string()/>
            <Kpi label="Open" value=fmt_count(o.open) note="open or pending".to_string()/>
            <Kpi label="Last 30 days" value=fmt_count(o.last_30_days) note=change/>
            <Kpi label="Average CSAT" value=o.avg_csat.map(|c| format!("{c:.2}")).unwrap_or_else(|| "—".into()) note="1 to 5".to_string()/>
        </div>
        <section class="card chart" data-testid="volume-chart" inner_html=o.volume_svg></section>
        <div class="breakdowns">
            <BreakdownTable title="By channel" rows=o.by_channel param="channel"/>
            <BreakdownTable title="By priority" rows=o.by_priority param="priority"/>
            <BreakdownTable title="By status" rows=o.by_status param="status"/>
        </div>
    }
}

#[component]
fn Kpi(label: &'static str, value: String, note: String) -> impl IntoView {
    view! {
        <div class="card kpi">
            <div class="kpi-label">{label}</div>
            <div class="kpi-value">{value}</div>
            <div class="kpi-note">{note}</div>
        </div>
    }
}

#[component]
fn BreakdownTable(title: &'static str, rows: Breakdown, param: &'static str) -> impl IntoView {
    let total: i64 = rows.iter().map(|(_, n)| n).sum::<i64>().max(1);
    let body = rows
        .into_iter()
        .map(|(name, n)| {
            let share = n as f64 * 100.0 / total as f64;
            view! {
                <tr>
                    <td><a href=format!("/tickets?{param}={name}")>{name.clone()}</a></td>
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
