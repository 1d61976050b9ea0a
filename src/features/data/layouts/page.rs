//! The layouts list on the Data page: what each layout reads, export, rename, delete, import.

use super::api::{DeleteLayout, ImportLayout, RenameLayout};
use super::LayoutSummary;
use crate::components::{action_error, fmt_opt_time};
use leptos::prelude::*;

/// Fields a row shows before "and N more".
const SHOWN_FIELDS: usize = 6;

#[component]
pub fn Layouts(
    layouts: Vec<LayoutSummary>,
    rename: ServerAction<RenameLayout>,
    delete: ServerAction<DeleteLayout>,
    import: ServerAction<ImportLayout>,
) -> impl IntoView {
    let rows = layouts
        .into_iter()
        .map(|l| view! { <LayoutRow l rename delete/> })
        .collect_view();
    view! {
        <section class="card" id="layouts" data-testid="layouts">
            <h2>"Layouts"</h2>
            <p class="muted">
                "How TicketLens reads each kind of file. A built-in layout is chosen by its columns; a saved one by the header of the file it was made for (column names in order, ignoring case). "
                "Export a layout as JSON to keep it or to use it on another TicketLens (`ticketlens layouts import FILE`, or the form below)."
            </p>
            {action_error(rename.value())}
            {action_error(delete.value())}
            <table class="grid">
                <thead><tr><th>"Name"</th><th>"Kind"</th><th>"Reads"</th><th>"Saved"</th><th>"Actions"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"Import a layout"</h3>
            <ActionForm action=import attr:class="form" attr:data-testid="layout-import">
                <label>"Layout JSON (as exported)"
                    <textarea name="json" rows="5" required placeholder="{\"name\": …, \"header\": […], \"mapping\": {\"columns\": {…}}}"></textarea>
                </label>
                <label>"Save as (optional)"
                    <input type="text" name="name" maxlength="100" placeholder="the name in the file"/>
                </label>
                <button type="submit">"Add the layout"</button>
            </ActionForm>
            {action_error(import.value())}
        </section>
    }
}

#[component]
fn LayoutRow(
    l: LayoutSummary,
    rename: ServerAction<RenameLayout>,
    delete: ServerAction<DeleteLayout>,
) -> impl IntoView {
    let all: Vec<String> = l
        .fields
        .iter()
        .map(|(field, column)| format!("{field} ← {column}"))
        .collect();
    let more = all.len().saturating_sub(SHOWN_FIELDS);
    let shown = all
        .iter()
        .take(SHOWN_FIELDS)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let reads = if more > 0 {
        format!("{shown} and {more} more")
    } else {
        shown
    };
    let kind = if l.builtin {
        "built-in".to_string()
    } else if l.value_maps > 0 {
        format!("saved: {} columns, {} value maps", l.columns, l.value_maps)
    } else {
        format!("saved: {} columns", l.columns)
    };
    let href = format!(
        "/data/layout.json?name={}",
        crate::domain::url::encode(&l.name)
    );
    let name = l.name.clone();
    let actions = (!l.builtin).then(|| {
        let (n1, n2) = (name.clone(), name.clone());
        view! {
            <ActionForm action=rename attr:class="inline" attr:data-testid="layout-rename">
                <input type="hidden" name="name" value=n1.clone()/>
                <input type="text" name="new_name" value=n1.clone() maxlength="100" required aria-label=format!("New name for {n1}")/>
                <button type="submit">"Rename"</button>
            </ActionForm>
            <ActionForm action=delete attr:class="inline" attr:data-testid="layout-delete">
                <input type="hidden" name="name" value=n2.clone()/>
                <button type="submit" aria-label=format!("Delete {n2}")>"Delete"</button>
            </ActionForm>
        }
    });
    view! {
        <tr data-testid="layout-row">
            <td>{l.name}</td>
            <td>{kind}</td>
            <td title=all.join("\n")>{reads}</td>
            <td class="nowrap">{fmt_opt_time(&l.updated_at)}</td>
            <td>
                <a href=href download="">"Export JSON"</a>
                {actions}
            </td>
        </tr>
    }
}
