//! The mapping screen's view: one form of choices (sent as the page's query, so a preview is a
//! link), the preview of the first rows, and the import button.

use super::api::{load_mapping, ImportMapped};
use super::{MappingScreen, PreviewView};
use crate::components::{fmt_count, loaded};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn MappingPage() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let upload = move || {
        query
            .read()
            .get("upload")
            .and_then(|v| v.parse::<i64>().ok())
    };
    let data = Resource::new(
        move || (upload(), location.search.get()),
        |(upload, search)| async move {
            match upload {
                Some(id) => load_mapping(id, search).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let error = move || query.read().get("error");
    view! {
        <h1>"Map the columns"</h1>
        {move || error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {loaded(data, "Reading the file…", |s| view! { <Screen s/> })}
    }
}

fn field_options(s: &MappingScreen, chosen: Option<String>) -> impl IntoView {
    let none = chosen.is_none();
    view! {
        <option value="" selected=none>"— not imported —"</option>
        {s.fields.iter().map(|(name, label)| {
            let selected = chosen.as_deref() == Some(name.as_str());
            view! { <option value=name.clone() selected=selected>{label.clone()}</option> }
        }).collect_view()}
    }
}

#[component]
fn Screen(s: MappingScreen) -> impl IntoView {
    let columns = s
        .columns
        .iter()
        .map(|c| {
            let suggested = c.suggested.as_ref().map(|(f, score)| {
                let label = s
                    .fields
                    .iter()
                    .find(|(n, _)| n == f)
                    .map_or(f.clone(), |(_, l)| l.clone());
                format!("{label} ({:.0}%)", score * 100.0)
            });
            view! {
                <tr data-testid="map-column">
                    <td><strong>{c.name.clone()}</strong></td>
                    <td class="samples">{c.samples.iter().map(|v| view! { <span class="chip">{v.clone()}</span> }).collect_view()}</td>
                    <td>
                        <select name=format!("col{}", c.index) aria-label=format!("Field for {}", c.name)>
                            {field_options(&s, c.field.clone())}
                        </select>
                    </td>
                    <td class="muted">{suggested.unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let vocab = s
        .vocab
        .iter()
        .map(|v| {
            let rows = v
                .values
                .iter()
                .map(|(value, n, chosen)| {
                    let none = chosen.is_none();
                    view! {
                        <tr data-testid="value-map">
                            <td>{value.clone()}</td>
                            <td class="num">{fmt_count(*n as i64)}</td>
                            <td>
                                <select name=format!("v.{}.{}", v.field, value) aria-label=format!("{} {}", v.label, value)>
                                    <option value="" selected=none>"— refuse the row —"</option>
                                    {v.targets.iter().map(|t| {
                                        let selected = chosen.as_deref() == Some(t.as_str());
                                        view! { <option value=t.clone() selected=selected>{t.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h3>{format!("{} values TicketLens does not know", v.label)}</h3>
                <table class="grid compact">
                    <thead><tr><th>"Value in the file"</th><th>"Rows"</th><th>"Becomes"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
        .collect_view();
    let date_none = s.date_format.is_empty();
    let dates = s
        .date_choices
        .iter()
        .map(|c| {
            let selected = *c == s.date_format;
            view! { <option value=c.clone() selected=selected>{c.clone()}</option> }
        })
        .collect_view();
    let can_import = s.problem.is_none() && s.preview.as_ref().is_some_and(|p| p.tickets > 0);
    view! {
        <section class="card" data-testid="mapping">
            <h2>{format!("{}: {}", s.file_name, s.file)}</h2>
            <p class="muted">{s.origin.clone()}</p>
            <form method="get" action="/data/map" class="form">
                <input type="hidden" name="upload" value=s.upload_id/>
                <input type="hidden" name="mapped" value="1"/>
                <table class="grid">
                    <thead><tr><th>"Column"</th><th>"First values"</th><th>"Imported as"</th><th>"Suggested"</th></tr></thead>
                    <tbody>{columns}</tbody>
                </table>
                {vocab}
                <div class="filters">
                    <label>"Dates written as"
                        <select name="date_format">
                            <option value="" selected=date_none>"ISO 8601 (2024-03-01 10:00)"</option>
                            {dates}
                        </select>
                    </label>
                    <label>"Time zone of times without an offset"
                        <input type="text" name="time_zone" value=s.time_zone.clone() placeholder="UTC, or e.g. Europe/Berlin"/>
                    </label>
                    <label class="check"><input type="checkbox" name="unescape" checked=s.unescape/>" Text writes line breaks as \\n"</label>
                </div>
                {s.date_ambiguous.then(|| view! {
                    <p class="warning" data-testid="date-ambiguous">"These dates read both day-first and month-first: choose how they are written."</p>
                })}
                <div class="filters">
                    <label>"Save as layout (optional)"
                        <input type="text" name="name" maxlength="100" value=s.layout_name.clone() placeholder="e.g. Helpdesk export"/>
                    </label>
                    <label>"Source name (optional)"
                        <input type="text" name="source" maxlength="100" value=s.source.clone() placeholder="the layout's or file's name"/>
                    </label>
                    <button type="submit">"Preview"</button>
                </div>
            </form>
            {s.problem.clone().map(|p| view! { <p class="error" role="alert" data-testid="mapping-problem">{p}</p> })}
        </section>
        {s.preview.clone().map(|p| view! { <Preview p/> })}
        {can_import.then(|| view! { <ImportButton upload=s.upload_id search=s.query.clone()/> })}
    }
}

#[component]
fn ImportButton(upload: i64, search: String) -> impl IntoView {
    let import = ServerAction::<ImportMapped>::new();
    view! {
        <ActionForm action=import attr:class="form row">
            <input type="hidden" name="upload" value=upload/>
            <input type="hidden" name="search" value=search/>
            <button type="submit" data-testid="import-mapped">"Import as previewed"</button>
        </ActionForm>
    }
}

#[component]
fn Preview(p: PreviewView) -> impl IntoView {
    let width = p.columns.len() + 1;
    let head = p
        .columns
        .iter()
        .map(|c| view! { <th>{c.clone()}</th> })
        .collect_view();
    let rows = p
        .rows
        .into_iter()
        .map(|(line, cells)| match cells {
            Ok(cells) => view! {
                <tr>
                    <td class="num">{line}</td>
                    {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                </tr>
            }
            .into_any(),
            Err(why) => view! {
                <tr class="refused" data-testid="preview-error">
                    <td class="num">{line}</td>
                    <td colspan=width - 1 class="error">{why}</td>
                </tr>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <section class="card" data-testid="preview">
            <h2>"Preview"</h2>
            <p data-testid="preview-summary">{format!(
                "{} rows: {} tickets ({} with labels), {} further messages, {} refused. Nothing is written until you import.",
                fmt_count(p.rows_read as i64), fmt_count(p.tickets as i64), fmt_count(p.labels as i64),
                fmt_count(p.messages as i64), fmt_count(p.bad as i64)
            )}</p>
            <div class="scroll">
                <table class="grid compact">
                    <thead><tr><th>"Line"</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(!p.errors.is_empty()).then(|| view! {
                <h3>"Rows that would be refused"</h3>
                <ul class="reasons">
                    {p.errors.into_iter().take(50).map(|(line, why)| view! { <li>{format!("line {line}: {why}")}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}
