//! Alerts page view: the filter bar, current alerts, earlier ones, and how they are found.

use super::api::{get_alerts, DetectAlerts};
use super::{AlertView, Alerts, CURRENT_DAYS};
use crate::components::filter_bar::filtered_href;
use crate::components::{action_error, loaded, ExportLink, FilterBar};
use crate::domain::analytics::AnalyticsFilter;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let params = use_query_map();
    let filter = Memo::new(move |_| {
        let p = params.read();
        AnalyticsFilter::from_params(|k| p.get(k))
    });
    let data = Resource::new(move || filter.get(), get_alerts);
    view! {
        <h1>"Alerts"</h1>
        {loaded(data, "Loading alerts…", move |a| view! { <AlertLists a filter=filter.get_untracked()/> })}
    }
}

#[component]
fn AlertLists(a: Alerts, filter: AnalyticsFilter) -> impl IntoView {
    let detect = ServerAction::<DetectAlerts>::new();
    let export_filter = filter.clone();
    let status = match (&a.last_run, a.running) {
        (_, true) => "Detection is queued or running.".to_string(),
        (Some(at), false) => format!("Last detection: {at}."),
        (None, false) => "Detection has not run yet.".to_string(),
    };
    view! {
        <FilterBar action="/alerts" filter=filter choices=a.choices.clone() period=a.period/>
        <section class="card" data-testid="alerts-current">
            <h2>"Current"</h2>
            <p class="muted">{format!("Alerts reaching into the last {CURRENT_DAYS} days of the period.")}</p>
            <AlertTable alerts=a.current empty="No current alerts."/>
        </section>
        <section class="card" data-testid="alerts-earlier">
            <h2>"Earlier in the period"</h2>
            <AlertTable alerts=a.earlier empty="None."/>
            <ExportLink href=filtered_href("/export/alerts.csv", &export_filter)/>
        </section>
        <section class="card">
            <h2>"Detection"</h2>
            <p class="muted" data-testid="detection-status">{status}</p>
            <ActionForm action=detect attr:class="form row">
                <button type="submit" class="secondary">"Detect now"</button>
            </ActionForm>
            {action_error(detect.value())}
            <p class="muted">
                "Spikes: the tickets of 1, 3 and 7-day windows per category, product and product × category against the same days of the previous six weeks (weekday-adjusted), flagged when at least 4 tickets and 1.5× above it and a conditional Poisson test gives p ≤ 10⁻⁶. "
                "Growing: a category or cluster up three weeks running, to 1.5× and at least 20 tickets a week. "
                "New cluster: most of its tickets from the last 28 days. Runs after analysis, clustering and re-categorising; new current alerts raise an issue.spike event."
            </p>
        </section>
    }
}

#[component]
fn AlertTable(alerts: Vec<AlertView>, empty: &'static str) -> impl IntoView {
    if alerts.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    let rows = alerts
        .into_iter()
        .map(|a| {
            let days = if a.since == a.until {
                a.since.format("%e %b %Y").to_string()
            } else {
                format!(
                    "{} – {}",
                    a.since.format("%e %b"),
                    a.until.format("%e %b %Y")
                )
            };
            view! {
                <tr data-testid="alert" data-kind=a.kind.clone()>
                    <td><span class=format!("badge alert-{}", a.kind)>{a.kind_label()}</span></td>
                    <td>{a.subject()}</td>
                    <td>{days}</td>
                    <td>{a.size()}</td>
                    <td><a href=a.tickets_href()>"Tickets"</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table">
            <thead><tr><th>"Kind"</th><th>"About"</th><th>"Since"</th><th>"How big"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
