//! Trends page view: the filter bar, group and time-grain switches, the two charts and the period comparison table.

use super::api::get_trends;
use super::Trends;
use crate::components::filter_bar::filtered_href;
use crate::components::{fmt_count, loaded, ExportLink, FilterBar};
use crate::domain::analytics::AnalyticsFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TrendsPage() -> impl IntoView {
    let params = use_query_map();
    let args = Memo::new(move |_| {
        let p = params.read();
        (
            AnalyticsFilter::from_params(|k| p.get(k)),
            p.get("by").unwrap_or_default(),
            p.get("grain").unwrap_or_default(),
        )
    });
    let data = Resource::new(
        move || args.get(),
        |(f, by, grain)| get_trends(f, by, grain),
    );
    view! {
        <h1>"Trends"</h1>
        {loaded(data, "Drawing trends…", move |t| view! { <Charts t filter=args.get_untracked().0/> })}
    }
}

/// Links that change one of `by` / `grain` and keep the rest of the view.
fn switch(
    base: &str,
    t: &Trends,
    param: &'static str,
    options: &[(&'static str, &'static str)],
) -> impl IntoView {
    let joiner = if base.contains('?') { '&' } else { '?' };
    let current = if param == "by" {
        t.by.clone()
    } else {
        t.grain.clone()
    };
    let other = if param == "by" {
        format!("grain={}", t.grain)
    } else {
        format!("by={}", t.by)
    };
    options
        .iter()
        .map(|(key, label)| {
            let on = current == *key;
            let href = format!("{base}{joiner}{other}&{param}={key}");
            view! { <a href=href class:current=on aria-current=on.then_some("true")>{*label}</a> }
        })
        .collect_view()
}

#[component]
fn Charts(t: Trends, filter: AnalyticsFilter) -> impl IntoView {
    let bar = view! { <FilterBar action="/trends" filter=filter.clone() choices=t.choices.clone() period=t.period/> };
    let (Some(period), Some(previous)) = (t.period, t.previous) else {
        return view! { {bar} <p class="muted">"No tickets yet: import some on the Data page."</p> }
            .into_any();
    };
    let base = filtered_href("/trends", &filter);
    let export = {
        let href = filtered_href("/export/trends.csv", &filter);
        let joiner = if href.contains('?') { '&' } else { '?' };
        format!("{href}{joiner}by={}", t.by)
    };
    let by = switch(
        &base,
        &t,
        "by",
        &[("category", "Category"), ("product", "Product")],
    );
    let grain = switch(
        &base,
        &t,
        "grain",
        &[("day", "Day"), ("week", "Week"), ("month", "Month")],
    );
    let pct = |v: Option<f64>| {
        v.map(|s| format!("{:.0}%", s * 100.0))
            .unwrap_or_else(|| "—".into())
    };
    let rows = t
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr data-testid="trend-row">
                    <td><a href=r.href.clone()>{r.label.clone()}</a></td>
                    <td class="num">{fmt_count(r.tickets)}</td>
                    <td class="num">{fmt_count(r.before)}</td>
                    <td class="num">{r.change()}</td>
                    <td class="num">{pct(r.negative)}</td>
                    <td class="num">{pct(r.negative_before)}</td>
                    <td class="num">{r.negative_change()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {bar}
        <nav class="measure-switch" aria-label="Group by" data-testid="by-switch">"Per: " {by}</nav>
        <nav class="measure-switch" aria-label="Time grain" data-testid="grain-switch">"By: " {grain}</nav>
        <section class="card chart" data-testid="trend-volume" inner_html=t.volume_svg></section>
        <section class="card chart" data-testid="trend-negative" inner_html=t.negative_svg></section>
        <section class="card" data-testid="trend-table">
            <h2>{format!("{} to {} against {} to {}", period.from, period.to, previous.from, previous.to)}</h2>
            <table class="table">
                <thead><tr>
                    <th>{if t.by == "product" { "Product" } else { "Category" }}</th>
                    <th class="num">"Tickets"</th><th class="num">"Before"</th><th class="num">"Change"</th>
                    <th class="num">"Negative"</th><th class="num">"Before"</th><th class="num">"Change"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="muted">{format!("The charts show the {} largest groups of the period.", super::TOP)}</p>
            <ExportLink href=export/>
        </section>
    }
    .into_any()
}
