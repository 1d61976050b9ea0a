//! The draft settings on the Templates page: which method drafts replies, and the versions of the LLM draft prompt.

use super::api::{load_draft_settings, SaveDraftPrompt, SetDraftMethod};
use super::DraftSettings;
use crate::components::{action_error, fmt_time, loaded, textarea_text};
use crate::domain::draft::DraftMethod;
use leptos::prelude::*;

#[component]
pub fn DraftSettingsPanel() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let data = Resource::new(move || query.read().get("at"), |_| load_draft_settings());
    view! {
        <section class="card" id="drafts">
            <h2>"Reply drafts"</h2>
            {loaded(data, "Loading draft settings…", |s| view! { <Settings s/> })}
        </section>
    }
}

#[component]
fn Settings(s: DraftSettings) -> impl IntoView {
    let choose = ServerAction::<SetDraftMethod>::new();
    let save = ServerAction::<SaveDraftPrompt>::new();
    let options = DraftMethod::ALL
        .iter()
        .map(|m| {
            view! {
                <option value=m.as_str() selected=m.as_str() == s.method>
                    {format!("{} — {}", m.as_str(), m.describe())}
                </option>
            }
        })
        .collect_view();
    let llm = match &s.llm {
        Some(l) => format!("LLM configured: {l}."),
        None => "No LLM is configured (TICKETLENS_LLM_PROVIDER): the llm method drafts by retrieval and says so on each draft.".into(),
    };
    let current = s
        .prompts
        .first()
        .map(|p| p.template.clone())
        .unwrap_or_default();
    let versions = s
        .prompts
        .iter()
        .map(|p| {
            view! {
                <li><details><summary>{format!("v{} · {} · {}", p.version, fmt_time(&p.created_at), p.note)}</summary>
                    <pre class="body">{p.template.clone()}</pre></details></li>
            }
        })
        .collect_view();
    view! {
        <p data-testid="draft-llm">{llm}</p>
        <ActionForm action=choose attr:class="form row">
            <label>"Method for new drafts"
                <select name="method" data-testid="draft-method-select">{options}</select>
            </label>
            <button type="submit">"Use this method"</button>
        </ActionForm>
        {action_error(choose.value())}
        <h3>"LLM draft prompt"</h3>
        <p class="muted">"Slots: {{ticket_id}} {{customer_name}} {{product}} {{category}} {{subject}} {{body}} {{history}} {{replies}} {{template}} {{agent_name}}. Saving adds a version; the newest is used."</p>
        <ActionForm action=save attr:class="form">
            <textarea name="template" rows="14">{textarea_text(current)}</textarea>
            <label>"Note" <input type="text" name="note" maxlength="200"/></label>
            <button type="submit">"Save as new version"</button>
        </ActionForm>
        {action_error(save.value())}
        <ul>{versions}</ul>
    }
}
