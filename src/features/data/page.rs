//! Data page view: the upload form and the import reports.

use super::api::load_data_page;
use super::{DataOverview, ImportDetail};
use crate::components::{fmt_count, fmt_time, loaded, ExportLink};
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
    let data = Resource::new(selected, load_data_page);
    let error = move || query.read().get("error");
    view! {
        <h1>"Data"</h1>
        {move || error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        <section class="card">
            <h2>"Import tickets from CSV"</h2>
            <p class="muted">
                "Layouts: TicketLens, Kaggle customer support tickets, multilingual help-desk tickets, "
                "Customer Support on Twitter. Bad rows are reported by line and skipped; re-importing a file adds no duplicates. "
                "Ticket ids and customers are matched within one source name: give files from different systems different names."
            </p>
            <form method="post" action="/data/import" enctype="multipart/form-data" class="form row">
                <label>"CSV file" <input type="file" name="file" accept=".csv,text/csv" required/></label>
                <label>"Layout"
                    <select name="format">
                        <option value="auto">"Detect"</option>
                        <option value="ticketlens">"TicketLens"</option>
                        <option value="kaggle">"Kaggle tickets"</option>
                        <option value="multilang">"Multilingual help desk"</option>
                        <option value="twcs">"Twitter support"</option>
                    </select>
                </label>
                <label>"Source name (optional)"
                    <input type="text" name="source" maxlength="100" placeholder="the layout's name"/>
                </label>
                <button type="submit">"Import"</button>
            </form>
        </section>
        {loaded(data, "Loading imports…", |d| view! { <Imports d/> })}
    }
}

#[component]
fn Imports(d: DataOverview) -> impl IntoView {
    let rows = d
        .imports
        .into_iter()
        .map(|i| {
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
                    <td>{if i.failure.is_some() { "failed" } else if i.finished { "done" } else { "running" }}</td>
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
