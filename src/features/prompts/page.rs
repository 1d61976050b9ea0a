//! Prompts page view: versions (with F1 and "Make active"), diff, try-it, few-shot examples.

use super::api::{load_prompts, try_prompt, AddExample, CreatePrompt, EditExample, RetireExample};
use super::{Example, PromptVersion, PromptsOverview};
use crate::components::{fmt_time, loaded, textarea_text};
use crate::domain::SentimentLabel;
use crate::features::evaluation::api::ActivateEngine;
use crate::features::evaluation::page::fmt_score;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PromptsPage() -> impl IntoView {
    let query = use_query_map();
    let ids = move || {
        let q = query.read();
        let id = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        (id("a"), id("b"), q.get("ok"), q.get("error"))
    };
    let data = Resource::new(ids, |(a, b, _, _)| load_prompts(a, b));
    view! {
        <h1>"Prompts and few-shot examples"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {move || query.read().get("error").map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {loaded(data, "Loading prompts…", |p| view! { <Prompts p/> })}
    }
}

fn label_options(selected: &str) -> impl IntoView {
    SentimentLabel::ALL
        .iter()
        .map(|l| view! { <option value=l.as_str() selected=l.as_str() == selected>{l.as_str()}</option> })
        .collect_view()
}

#[component]
fn Prompts(p: PromptsOverview) -> impl IntoView {
    let create = ServerAction::<CreatePrompt>::new();
    let add = ServerAction::<AddExample>::new();
    let versions = p.versions.clone();
    let diff = p.diff.clone().map(|(old, new, lines)| {
        let lines = lines
            .into_iter()
            .map(|l| {
                let class = match l.tag { '+' => "add", '-' => "del", _ => "same" };
                view! { <div class=format!("diff-{class}")>{format!("{} {}", l.tag, l.text)}</div> }
            })
            .collect_view();
        view! { <section class="card"><h2>{format!("Changes from v{old} to v{new}")}</h2><pre class="diff" data-testid="diff">{lines}</pre></section> }
    });
    let diff_options = move |selected: usize| {
        versions
            .iter()
            .enumerate()
            .map(|(i, v)| view! { <option value=v.id selected=i == selected>{format!("v{}", v.version)}</option> })
            .collect_view()
    };
    let has_two = p.versions.len() >= 2;
    view! {
        <p class="muted">{match p.llm.clone() {
            Some(llm) => format!("Provider: {llm}."),
            None => "No LLM provider is configured: versions and examples can be prepared, tried (rendered only) and are used once a provider is set.".into(),
        }}</p>
        <section>
            <h2>"Versions"</h2>
            <VersionTable versions=p.versions.clone()/>
            {has_two.then(|| view! {
                <form method="get" action="/prompts" class="form row">
                    <label>"Diff" <select name="a">{diff_options(1)}</select></label>
                    <label>"against" <select name="b">{diff_options(0)}</select></label>
                    <button type="submit">"Show changes"</button>
                </form>
            })}
        </section>
        {diff}
        <section class="card">
            <h2>"New version"</h2>
            <ActionForm action=create attr:class="form">
                <label>"Template ({{labels}} and {{examples}} are filled in)"
                    <textarea name="template" rows="10" required>{textarea_text(p.default_template.clone())}</textarea>
                </label>
                <label>"What changed" <input type="text" name="note" maxlength="200"/></label>
                <button type="submit">"Save as new version"</button>
            </ActionForm>
        </section>
        <TryIt versions=p.versions.clone()/>
        <section>
            <h2>"Few-shot examples"</h2>
            <Examples examples=p.examples.clone()/>
            <ActionForm action=add attr:class="form row">
                <label>"Text" <input type="text" name="text" required maxlength="5000"/></label>
                <label>"Label" <select name="label">{label_options("neutral")}</select></label>
                <button type="submit">"Add example"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn VersionTable(versions: Vec<PromptVersion>) -> impl IntoView {
    let activate = ServerAction::<ActivateEngine>::new();
    let rows = versions
        .into_iter()
        .map(|v| {
            let state = if v.active {
                view! { <strong>"active"</strong> }.into_any()
            } else if v.macro_f1.is_some() {
                view! {
                    <ActionForm action=activate attr:class="inline">
                        <input type="hidden" name="engine" value=format!("llm:{}", v.id)/>
                        <input type="hidden" name="back" value="/prompts"/>
                        <label class="check"><input type="checkbox" name="force" value="true"/>" Even if worse"</label>
                        <button type="submit">"Make active"</button>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! { <span class="muted">"evaluate first"</span> }.into_any()
            };
            view! {
                <tr data-testid=format!("prompt-v{}", v.version)>
                    <td>{format!("v{}", v.version)}</td>
                    <td>{v.note.clone()}</td>
                    <td class="nowrap">{fmt_time(&v.created_at)}</td>
                    <td class="num">{fmt_score(v.macro_f1)}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="prompt-versions">
            <thead><tr><th>"Version"</th><th>"Note"</th><th>"Created"</th><th>"Macro-F1"</th><th>""</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn TryIt(versions: Vec<PromptVersion>) -> impl IntoView {
    let (text, set_text) = signal(String::new());
    let (version, set_version) = signal(versions.first().map(|v| v.id));
    let attempt = Action::new(move |(id, t): &(Option<i64>, String)| try_prompt(*id, t.clone()));
    let options = versions
        .iter()
        .map(|v| view! { <option value=v.id>{format!("v{}", v.version)}</option> })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Try a version"</h2>
            <form class="form" on:submit=move |ev| { ev.prevent_default(); attempt.dispatch((version.get(), text.get())); }>
                <label>"Version"
                    <select on:change=move |ev| set_version.set(event_target_value(&ev).parse().ok())>
                        {options}
                        <option value="">"built-in default"</option>
                    </select>
                </label>
                <label>"Text or ticket" <textarea rows="3" required prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev))></textarea></label>
                <button type="submit">"Try"</button>
            </form>
            {move || attempt.value().get().map(|r| match r {
                Ok(r) => view! {
                    <div data-testid="try-result">
                        <p>{format!("Label: {} · score {}", r.label.clone().unwrap_or_else(|| "—".into()), r.score.map(|s| format!("{s:+.2}")).unwrap_or_else(|| "—".into()))}</p>
                        <p class="muted">{r.note.clone()}</p>
                        <h3>"Rendered prompt"</h3><pre>{r.rendered.clone()}</pre>
                        {r.request.clone().map(|q| view! { <h3>"Raw request"</h3><pre>{q}</pre> })}
                        {r.reply.clone().map(|q| view! { <h3>"Raw reply"</h3><pre>{q}</pre> })}
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn Examples(examples: Vec<Example>) -> impl IntoView {
    let edit = ServerAction::<EditExample>::new();
    let retire = ServerAction::<RetireExample>::new();
    let rows = examples
        .into_iter()
        .map(|e| {
            let source = e.source_run_id.map(|r| view! { <a href=format!("/evaluation/runs/{r}")>{format!("run #{r}")}</a> });
            if e.retired {
                return view! { <tr class="retired"><td>{e.text}</td><td>{e.label}</td><td>{source}</td><td>"retired"</td></tr> }.into_any();
            }
            view! {
                <tr data-testid="example">
                    <td colspan="2">
                        <ActionForm action=edit attr:class="inline">
                            <input type="hidden" name="id" value=e.id/>
                            <textarea name="text" rows="2" required maxlength="5000" prop:value=e.text.clone()>{textarea_text(e.text.clone())}</textarea>
                            <select name="label">{label_options(&e.label)}</select>
                            <button type="submit" class="link">"Save"</button>
                        </ActionForm>
                    </td>
                    <td>{source}</td>
                    <td>
                        <ActionForm action=retire attr:class="inline">
                            <input type="hidden" name="id" value=e.id/>
                            <button type="submit" class="link">"Retire"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="examples">
            <thead><tr><th colspan="2">"Example and label"</th><th>"From"</th><th>""</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
