//! Data page view: the upload form and the import reports.

use super::api::{load_data_page, LabelsToSet, ResumeImport};
use super::layouts::api::{DeleteLayout, ImportLayout, RenameLayout};
use super::layouts::{page::Layouts, LayoutSummary};
use super::{DataOverview, ImportDetail};
use crate::components::{action_error, fmt_count, fmt_time, loaded, ExportLink};
use crate::features::categories::api::TrainCategories;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DataPage() -> impl IntoView {
    let query = use_query_map();
    let selected = move || {
        query
            .read()
            .get("import")
            .and_then(|v| v.parse::<i64>().ok())
    };
    let rename = ServerAction::<RenameLayout>::new();
    let delete = ServerAction::<DeleteLayout>::new();
    let import = ServerAction::<ImportLayout>::new();
    let data = Resource::new(
        move || {
            (
                selected(),
                rename.version().get(),
                delete.version().get(),
                import.version().get(),
            )
        },
        |(selected, ..)| load_data_page(selected),
    );
    view! {
        <h1>"Data"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {move || query.read().get("error").map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {loaded(data, "Loading imports…", move |d| {
            let layouts = d.layouts.clone();
            view! {
                <ImportForm layouts=layouts.clone()/>
                <Imports d/>
                <Layouts layouts rename delete import/>
            }
        })}
    }
}

/// The upload form; its layout choice lists the saved layouts after the built-in ones.
#[component]
fn ImportForm(layouts: Vec<LayoutSummary>) -> impl IntoView {
    let saved = layouts
        .into_iter()
        .filter(|l| !l.builtin)
        .map(|l| {
            let label = format!("Saved: {}", l.name);
            view! { <option value=l.name>{label}</option> }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Import tickets"</h2>
            <p class="muted">
                "CSV (any delimiter; UTF-8, Latin-1 or UTF-16), Excel (XLSX), JSON or NDJSON. Files whose columns no layout knows open the mapping screen; "
                "a mapping saved as a layout is used again for files with the same header. Bad rows are reported by line and skipped; re-importing a file adds no duplicates. "
                "Ticket ids and customers are matched within one source name: give files from different systems different names."
            </p>
            <form method="post" action="/data/import" enctype="multipart/form-data" class="form row">
                <label>"File" <input type="file" name="file" accept=".csv,.tsv,.txt,.xlsx,.json,.ndjson,.jsonl" required/></label>
                <label>"Layout"
                    <select name="format">
                        <option value="auto">"Detect"</option>
                        <option value="map">"Map the columns myself"</option>
                        <option value="ticketlens">"TicketLens"</option>
                        <option value="kaggle">"Kaggle tickets"</option>
                        <option value="multilang">"Multilingual help desk"</option>
                        <option value="twcs">"Twitter support"</option>
                        {saved}
                    </select>
                </label>
                <label>"Source name (optional)"
                    <input type="text" name="source" maxlength="100" placeholder="the layout's name"/>
                </label>
                <button type="submit">"Import"</button>
            </form>
        </section>
    }
}

#[component]
fn Imports(d: DataOverview) -> impl IntoView {
    let rows = d
        .imports
        .into_iter()
        .map(|i| {
            let state = i.state();
            view! {
                <tr>
                    <td><a href=format!("/data?import={}", i.id)>{format!("#{}", i.id)}</a></td>
                    <td>{i.file_name}</td>
                    <td>{i.format}</td>
                    <td class="nowrap">{fmt_time(&i.started_at)}</td>
                    <td class="num">{fmt_count(i.inserted)}</td>
                    <td class="num">{fmt_count(i.messages)}</td>
                    <td class="num">{fmt_count(i.duplicates)}</td>
                    <td class="num">{fmt_count(i.skipped)}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {d.selected.map(|s| view! { <Report s/> })}
        <section>
            <h2>"Recent imports"</h2>
            <table class="grid">
                <thead><tr><th>"Import"</th><th>"File"</th><th>"Layout"</th><th>"Started"</th><th>"Tickets"</th><th>"Messages"</th><th>"Duplicates"</th><th>"Skipped"</th><th>"State"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <ExportLink href="/export/imports.csv".to_string()/>
        </section>
    }
}

#[component]
fn Report(s: ImportDetail) -> impl IntoView {
    let i = s.summary;
    let labels = ServerAction::<LabelsToSet>::new();
    let resume = ServerAction::<ResumeImport>::new();
    let categories = ServerAction::<TrainCategories>::new();
    let sentiment_labels = s.sentiment_labels;
    let category_labels = s.category_labels;
    let import_id = i.id;
    let source = i.source.clone();
    let category_source = i.source.clone();
    let errors = s
        .errors
        .into_iter()
        .map(|(line, reason)| view! { <tr><td class="num">{line}</td><td>{reason}</td></tr> })
        .collect_view();
    view! {
        <section class="card" data-testid="import-report">
            <h2>{format!("Import #{}: {}", i.id, i.file_name)}</h2>
            <p>
                {format!(
                    "{} rows read: {} imported, {} already present, {} skipped.",
                    fmt_count(i.rows_read), fmt_count(i.inserted), fmt_count(i.duplicates), fmt_count(i.skipped)
                )}
                {(i.messages > 0).then(|| format!(" {} further messages added to their threads.", fmt_count(i.messages)))}
            </p>
            {i.failure.map(|f| view! { <p class="error">"Stopped: " {f}</p> })}
            {i.interrupted.then(|| if i.resumable {
                view! {
                    <ActionForm action=resume attr:class="form row" attr:data-testid="resume">
                        <input type="hidden" name="import" value=import_id/>
                        <span class="warning">"This import stopped before it finished (its process ended). Resuming reads the file again: rows already stored are skipped, the rest are added."</span>
                        <button type="submit">"Resume the import"</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="warning">"This import stopped before it finished. Run the same import again: rows already stored are skipped, the rest are added."</p> }.into_any()
            })}
            {(sentiment_labels > 0).then(|| view! {
                <ActionForm action=labels attr:class="form row" attr:data-testid="labels-to-set">
                    <input type="hidden" name="import" value=import_id/>
                    <span>{format!("The source \"{source}\" has {} tickets with a sentiment label.", fmt_count(sentiment_labels))}</span>
                    <button type="submit">"Make a labelled set for evaluation"</button>
                </ActionForm>
            })}
            {(category_labels > 0).then(|| view! {
                <ActionForm action=categories attr:class="form row" attr:data-testid="categories-from-import">
                    <input type="hidden" name="source" value=category_source.clone()/>
                    <span>{format!("{} tickets of \"{category_source}\" carry a category label.", fmt_count(category_labels))}</span>
                    <label>"Engine" <select name="engine">
                        <option value="tfidf">"TF-IDF"</option>
                        <option value="embedding">"Embedding"</option>
                    </select></label>
                    <button type="submit">"Train and test a category model on them"</button>
                </ActionForm>
                {action_error(categories.value())}
            })}
            {(!i.reasons.is_empty()).then(|| view! {
                <ul class="reasons" data-testid="skip-reasons">
                    {i.reasons.into_iter().map(|(why, n)| view! { <li>{format!("{} × {why}", fmt_count(n))}</li> }).collect_view()}
                </ul>
            })}
            <table class="grid compact">
                <thead><tr><th>"Line"</th><th>"Why it was skipped"</th></tr></thead>
                <tbody>{errors}</tbody>
            </table>
        </section>
    }
}
