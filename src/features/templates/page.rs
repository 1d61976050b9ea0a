//! Templates page view: current template per category, the editor with its history, a preview on a ticket.

use super::api::{load_templates, SaveTemplate};
use super::{TemplateVersion, TemplatesOverview};
use crate::components::{action_error, fmt_time, loaded, textarea_text};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("category"),
                q.get("preview_ticket")
                    .and_then(|v| v.trim().parse::<i64>().ok()),
                q.get("at"),
            )
        },
        |(category, ticket, _)| load_templates(category, ticket),
    );
    view! {
        <h1>"Reply templates"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {loaded(data, "Loading templates…", |o| view! { <Templates o/> })}
        <crate::features::drafts::settings::DraftSettingsPanel/>
    }
}

#[component]
fn Templates(o: TemplatesOverview) -> impl IntoView {
    let save = ServerAction::<SaveTemplate>::new();
    let rows = o
        .current
        .iter()
        .map(|t| {
            view! {
                <tr>
                    <td><a href=format!("/templates?category={}#editor", crate::domain::url::encode(&t.category))>{t.category.clone()}</a></td>
                    <td class="num">{format!("v{}", t.version)}</td>
                    <td class="preview-cell">{t.body.lines().next().unwrap_or_default().to_string()}</td>
                    <td class="nowrap">{fmt_time(&t.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let editing = o.editing.clone().unwrap_or_default();
    let body = o
        .history
        .first()
        .map(|t| t.body.clone())
        .unwrap_or_default();
    let options = o
        .categories
        .iter()
        .map(|c| view! { <option value=c.clone()></option> })
        .collect_view();
    let preview = o.preview.clone().map(|p| match p {
        Ok(p) => view! {
            <p class="muted">{format!("Ticket #{} \"{}\" with the \"{}\" template, v{}:", p.ticket_id, p.subject, p.template_category, p.template_version)}</p>
            <pre class="body" data-testid="template-preview">{p.text}</pre>
        }.into_any(),
        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
    });
    view! {
        <table class="grid" data-testid="templates">
            <thead><tr><th>"Category"</th><th>"Version"</th><th>"Starts with"</th><th>"Saved"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <section class="card" id="editor">
            <h2>"Edit or add a template"</h2>
            <p class="muted">{format!("Variables: {}. A category without a template uses \"*\".",
                o.variables.iter().map(|v| format!("{{{{{v}}}}}")).collect::<Vec<_>>().join(", "))}</p>
            <ActionForm action=save attr:class="form">
                <label>"Category" <input type="text" name="category" list="template-categories" value=editing required/></label>
                <datalist id="template-categories">{options}</datalist>
                <label>"Template" <textarea name="body" rows="8" required>{textarea_text(body)}</textarea></label>
                <label>"Note" <input type="text" name="note"/></label>
                <button type="submit">"Save as a new version"</button>
            </ActionForm>
            {action_error(save.value())}
            <History versions=o.history.clone()/>
        </section>
        <section class="card" id="preview">
            <h2>"Preview on a ticket"</h2>
            <form method="get" action="/templates#preview" class="form row">
                <input type="hidden" name="category" value=o.editing.clone().unwrap_or_default()/>
                <label>"Ticket number" <input type="text" name="preview_ticket" size="8" required/></label>
                <button type="submit">"Preview"</button>
            </form>
            {preview}
        </section>
    }
}

#[component]
fn History(versions: Vec<TemplateVersion>) -> impl IntoView {
    (!versions.is_empty()).then(|| {
        let rows = versions
            .into_iter()
            .map(|t| view! {
                <tr>
                    <td class="num">{format!("v{}", t.version)}</td>
                    <td>{t.note.clone()}</td>
                    <td>{t.author.clone().unwrap_or_else(|| "system".into())}</td>
                    <td class="nowrap">{fmt_time(&t.created_at)}</td>
                </tr>
            })
            .collect_view();
        view! {
            <h3>"Versions"</h3>
            <table class="grid"><thead><tr><th>"Version"</th><th>"Note"</th><th>"By"</th><th>"Saved"</th></tr></thead><tbody>{rows}</tbody></table>
        }
    })
}
