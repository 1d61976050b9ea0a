//! Data quality page view: one card per source with its findings, label checks and field gaps.

use super::api::{get_quality, CheckSource};
use super::{QualityOverview, QualityReport};
use crate::components::{action_error, fmt_count, loaded, ExportLink};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn QualityPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_quality());
    view! {
        <h1>"Data quality"</h1>
        {loaded(data, "Loading reports…", |q| view! { <Reports q/> })}
    }
}

#[component]
fn Reports(q: QualityOverview) -> impl IntoView {
    let pending = (!q.pending.is_empty()).then(|| {
        view! { <p class="muted" data-testid="quality-pending">{format!("Not checked yet: {}.", q.pending.join(", "))}</p> }
    });
    let empty = q.reports.is_empty() && q.pending.is_empty();
    view! {
        {empty.then(|| view! { <p class="muted">"No tickets yet: import some on the Data page."</p> })}
        {pending}
        {q.reports.into_iter().map(|(r, at)| view! { <SourceCard r at/> }).collect_view()}
        <ExportLink href="/export/quality.csv".to_string()/>
    }
}

#[component]
fn SourceCard(r: QualityReport, at: String) -> impl IntoView {
    let check = ServerAction::<CheckSource>::new();
    let findings = r.findings();
    let source = r.source.clone();
    let hidden_source = r.source.clone();
    let duplicates = (!r.duplicate_examples.is_empty()).then(|| {
        format!(
            "Repeated subjects, e.g.: {}",
            r.duplicate_examples.join(" · ")
        )
    });
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let labels = r
        .labels
        .iter()
        .map(|l| {
            view! {
                <tr data-testid="label-check" data-signal=l.has_signal.to_string()>
                    <td>{l.column.clone()}</td>
                    <td class="num">{l.classes}</td>
                    <td class="num">{fmt_count(l.examples as i64)}</td>
                    <td class="num">{pct(l.accuracy)}</td>
                    <td class="num">{format!("{} (\"{}\")", pct(l.majority_rate), l.majority_label)}</td>
                    <td>{if l.has_signal { "predictable" } else { "no better than chance" }}</td>
                </tr>
            }
        })
        .collect_view();
    let unchecked = r
        .unchecked
        .iter()
        .map(|(c, why)| format!("{c}: {why}"))
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <section class="card" data-testid="quality-source" data-source=source>
            <h2>{r.source.clone()}</h2>
            <p class="muted">
                {if r.rows_read == 0 {
                    format!("{} tickets, not from a CSV import. Checked {at}.", fmt_count(r.tickets))
                } else {
                    format!("{} tickets; {} rows read, {} skipped over its imports. Checked {at}.",
                        fmt_count(r.tickets), fmt_count(r.rows_read), fmt_count(r.skipped))
                }}
            </p>
            <h3>"Findings"</h3>
            {if findings.is_empty() {
                view! { <p data-testid="finding">"Nothing found."</p> }.into_any()
            } else {
                view! { <ul>{findings.into_iter().map(|f| view! { <li data-testid="finding">{f}</li> }).collect_view()}</ul> }.into_any()
            }}
            <h3>"Labels against the text"</h3>
            <table class="table">
                <thead><tr><th>"Column"</th><th class="num">"Values"</th><th class="num">"Tickets"</th>
                    <th class="num">"5-fold accuracy"</th><th class="num">"Always the commonest"</th><th>"Verdict"</th></tr></thead>
                <tbody>{labels}</tbody>
            </table>
            {(!unchecked.is_empty()).then(|| view! { <p class="muted">{format!("Not checked: {unchecked}.")}</p> })}
            {duplicates.map(|d| view! { <p class="muted">{d}</p> })}
            <ActionForm action=check attr:class="form row">
                <input type="hidden" name="source" value=hidden_source/>
                <button type="submit" class="secondary">"Check again"</button>
            </ActionForm>
            {action_error(check.value())}
        </section>
    }
}
