//! Heatmaps page view: the filter bar, the measure switch, and the three heatmaps.

use super::api::get_heatmaps;
use super::{Heatmaps, MEASURES};
use crate::components::filter_bar::filtered_href;
use crate::components::{loaded, ExportLink, FilterBar};
use crate::domain::analytics::AnalyticsFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn HeatmapsPage() -> impl IntoView {
    let params = use_query_map();
    let args = Memo::new(move |_| {
        let p = params.read();
        (
            AnalyticsFilter::from_params(|k| p.get(k)),
            p.get("measure").unwrap_or_default(),
        )
    });
    let data = Resource::new(move || args.get(), |(f, m)| get_heatmaps(f, m));
    view! {
        <h1>"Heatmaps"</h1>
        {loaded(data, "Drawing heatmaps…", move |h| view! { <Maps h filter=args.get_untracked().0/> })}
    }
}

#[component]
fn Maps(h: Heatmaps, filter: AnalyticsFilter) -> impl IntoView {
    let bar = view! { <FilterBar action="/heatmaps" filter=filter.clone() choices=h.choices.clone() period=h.period/> };
    if h.period.is_none() {
        return view! { {bar} <p class="muted">"No tickets yet: import some on the Data page."</p> }
            .into_any();
    }
    let base = filtered_href("/heatmaps", &filter);
    let joiner = if base.contains('?') { '&' } else { '?' };
    let switch = MEASURES
        .iter()
        .map(|(key, label)| {
            let current = h.measure == *key;
            let href = format!("{base}{joiner}measure={key}");
            view! {
                <a href=href class:current=current aria-current=current.then_some("true")>{*label}</a>
            }
        })
        .collect_view();
    view! {
        {bar}
        <nav class="measure-switch" aria-label="Measure" data-testid="measure-switch">"Show: " {switch}</nav>
        <section class="card chart heatmap" data-testid="heatmap-product-category">
            <h2>"Product × category"</h2>
            <div inner_html=h.product_category></div>
        </section>
        <section class="card chart heatmap" data-testid="heatmap-weekday-hour">
            <h2>"Weekday × hour of creation"</h2>
            <div inner_html=h.weekday_hour></div>
        </section>
        <section class="card chart heatmap" data-testid="heatmap-channel-priority">
            <h2>"Channel × priority"</h2>
            <div inner_html=h.channel_priority></div>
        </section>
        <p class="muted">"Click a cell to see its tickets. Weekday and hour are in UTC."</p>
        <ExportLink href=filtered_href("/export/heatmap.csv", &filter)/>
    }
    .into_any()
}
