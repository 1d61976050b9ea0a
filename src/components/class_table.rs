//! The per-class precision / recall / F1 table the Evaluation and Categories pages share.

use crate::domain::metrics::ClassMetrics;
use leptos::prelude::*;

/// One row per class; `label` and `support` name the first and last columns, `class` is the
/// table's CSS class.
#[component]
pub fn ClassTable(
    classes: Vec<ClassMetrics>,
    #[prop(into)] label: String,
    #[prop(into)] support: String,
    #[prop(into)] class: String,
) -> impl IntoView {
    let rows = classes
        .into_iter()
        .map(|c| {
            view! {
                <tr>
                    <td>{c.label}</td>
                    <td class="num">{format!("{:.3}", c.precision)}</td>
                    <td class="num">{format!("{:.3}", c.recall)}</td>
                    <td class="num">{format!("{:.3}", c.f1)}</td>
                    <td class="num">{c.support}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class=class>
            <thead><tr><th>{label}</th><th>"Precision"</th><th>"Recall"</th><th>"F1"</th><th>{support}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
