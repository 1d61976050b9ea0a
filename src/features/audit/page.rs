//! Audit log page view: a table of admin actions, newest first, filterable by area.

use super::api::get_audit;
use super::AuditEntry;
use crate::components::loaded;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const AREAS: [&str; 10] = [
    "rules",
    "prompts",
    "templates",
    "users",
    "integrations",
    "tokens",
    "categories",
    "evaluation",
    "drafts",
    "clusters",
];

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.get(), |q| get_audit(q.get("area")));
    let current = move || query.read().get("area");
    view! {
        <h1>"Audit log"</h1>
        <p class="muted">"Every change to rules, prompts, templates, models, users, integrations and API tokens, with who made it and the fields sent (passwords, secrets and tokens blanked)."</p>
        <nav class="tabs" aria-label="Area">
            <a href="/audit" aria-current=move || current().is_none().then_some("page")>"All"</a>
            {AREAS.iter().map(|a| view! {
                <a href=format!("/audit?area={a}") aria-current=move || (current().as_deref() == Some(*a)).then_some("page")>{*a}</a>
            }).collect_view()}
        </nav>
        {loaded(data, "Loading the audit log…", |entries| view! { <Entries entries/> })}
    }
}

#[component]
fn Entries(entries: Vec<AuditEntry>) -> impl IntoView {
    if entries.is_empty() {
        return view! { <p class="muted">"Nothing recorded yet."</p> }.into_any();
    }
    let rows = entries
        .into_iter()
        .map(|e| {
            let detail = e
                .detail
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n");
            view! {
                <tr>
                    <td class="nowrap">{e.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                    <td>{e.actor.clone()}</td>
                    <td><code>{e.action.clone()}</code></td>
                    <td><pre class="detail">{detail}</pre></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="audit">
            <thead><tr><th>"When (UTC)"</th><th>"Who"</th><th>"Action"</th><th>"Fields"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
