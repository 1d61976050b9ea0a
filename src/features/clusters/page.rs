//! Clusters page view: the scatter, the table of clusters with their top issues, and the admin's run and naming forms.

use super::api::{load_clusters, NameCluster, RunClustering};
use super::{ClusterView, ClustersOverview};
use crate::components::{action_error, fmt_time, loaded};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ClustersPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.read().get("at"), |_| load_clusters());
    view! {
        <h1>"Clusters"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {loaded(data, "Loading clusters…", |o| view! { <Clusters o/> })}
    }
}

/// A tiny line of weekly counts, with the numbers for screen readers.
fn sparkline(weekly: &[i64]) -> impl IntoView {
    let max = weekly.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = 80.0 / (weekly.len().max(2) - 1) as f64;
    let points = weekly
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                22.0 - 20.0 * *v as f64 / max
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let label = format!(
        "tickets per week, oldest first: {}",
        weekly
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let title = label.clone();
    view! {
        <svg width="84" height="24" viewBox="-2 0 84 24" role="img" aria-label=label class="spark">
            <title>{title}</title>
            <polyline points=points fill="none" stroke="currentColor" stroke-width="1.5"/>
        </svg>
    }
}

/// The last week against the mean of the weeks before it.
fn change(weekly: &[i64]) -> String {
    let Some((last, before)) = weekly.split_last() else {
        return "—".into();
    };
    let mean = before.iter().sum::<i64>() as f64 / before.len().max(1) as f64;
    if mean < 1.0 {
        return if *last > 0 {
            "new".into()
        } else {
            "—".into()
        };
    }
    let pct = (*last as f64 / mean - 1.0) * 100.0;
    let arrow = if pct > 10.0 {
        "▲"
    } else if pct < -10.0 {
        "▼"
    } else {
        "▶"
    };
    format!("{arrow} {pct:+.0}%")
}

#[component]
fn Clusters(o: ClustersOverview) -> impl IntoView {
    let run = RunClusteringForm(o.can_tune, o.pending);
    let Some(r) = o.run.clone() else {
        return view! {
            <p class="muted" data-testid="no-clusters">
                {if o.pending { "Clustering is queued: it runs once every ticket is analysed." } else { "No clustering run yet." }}
            </p>
            {run}
        }
        .into_any();
    };
    let scores = r
        .scores
        .iter()
        .map(|(k, s)| format!("k={k}: {s:.3}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let explained: f32 = r.explained.iter().sum::<f32>() * 100.0;
    let can_tune = o.can_tune;
    let rows = o
        .clusters
        .iter()
        .map(|c| view! { <Row c=c.clone() can_tune/> })
        .collect_view();
    view! {
        <p data-testid="cluster-run">
            {format!("{} tickets in {} clusters", r.tickets, r.k)}
            {format!(" · k chosen by {}", r.k_chosen_by)}
            {format!(" · run {} · {}", r.id, fmt_time(&r.created_at))}
            <br/><small>{format!("silhouette {scores} · the plane shows {explained:.0}% of the variance of {} embeddings", r.embedder)}</small>
        </p>
        <div class="chart" inner_html=o.scatter_svg.clone()></div>
        <table class="grid" data-testid="clusters">
            <thead><tr>
                <th>"Cluster"</th><th>"Tickets"</th><th>"Negative"</th>
                <th>"Last 8 weeks"</th><th>"Top terms"</th><th>"Typical tickets"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
        {run}
    }
    .into_any()
}

#[component]
fn Row(c: ClusterView, can_tune: bool) -> impl IntoView {
    let rename = ServerAction::<NameCluster>::new();
    let label = c.name.clone().unwrap_or_else(|| {
        c.top_terms
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    });
    let samples = c
        .samples
        .iter()
        .map(|(id, subject)| view! { <li><a href=format!("/tickets/{id}")>{subject.clone()}</a></li> })
        .collect_view();
    view! {
        <tr data-cluster=c.id>
            <td>
                <span class="swatch" style=format!("background:{}", c.colour)></span>
                <a href=format!("/tickets?cluster={}", c.id) data-testid="cluster-link">{label}</a>
                {can_tune.then(|| view! {
                    <ActionForm action=rename attr:class="form row compact">
                        <input type="hidden" name="cluster_id" value=c.id/>
                        <input type="text" name="name" value=c.name.clone() placeholder="Name this cluster" aria-label="Cluster name" maxlength="80"/>
                        <button type="submit" class="secondary">"Name"</button>
                    </ActionForm>
                    {action_error(rename.value())}
                })}
            </td>
            <td class="num">{c.size}</td>
            <td class="num">{c.negative_share.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "—".into())}</td>
            <td>{sparkline(&c.weekly)} " " {change(&c.weekly)}</td>
            <td>{c.top_terms.join(", ")}</td>
            <td><ul class="plain">{samples}</ul></td>
        </tr>
    }
}

#[allow(non_snake_case)]
fn RunClusteringForm(can_tune: bool, pending: bool) -> impl IntoView {
    let run = ServerAction::<RunClustering>::new();
    can_tune.then(|| {
        view! {
            <section class="card">
                <h2>"Run clustering"</h2>
                {pending.then(|| view! { <p class="muted">"A run is queued or running."</p> })}
                <ActionForm action=run attr:class="form row">
                    <label>"Number of clusters" <input type="text" name="k" size="4" placeholder="auto" inputmode="numeric"/></label>
                    <button type="submit">"Cluster the newest tickets"</button>
                </ActionForm>
                <p class="muted">"Empty: k from 4 to 12 by the best silhouette. Names carry over to a new cluster holding most of a named one's tickets."</p>
                {action_error(run.value())}
            </section>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::change;

    #[test]
    fn change_compares_the_last_week_with_the_mean_before() {
        assert_eq!(change(&[10, 10, 10, 20]), "▲ +100%");
        assert_eq!(change(&[10, 10, 10, 5]), "▼ -50%");
        assert_eq!(change(&[0, 0, 0, 3]), "new");
        assert_eq!(change(&[]), "—");
    }
}
