//! The draft acceptance table shown beside the evaluation runs: per method and version, how often agents sent drafts unchanged, edited or rejected them.

use super::api::load_acceptance;
use super::Acceptance;
use crate::components::loaded;
use leptos::prelude::*;

#[component]
pub fn DraftAcceptance() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_acceptance());
    view! {
        <section class="card" id="acceptance">
            <h2>"Reply drafts: acceptance by agents"</h2>
            {loaded(data, "Loading acceptance…", |rows| view! { <Table rows/> })}
        </section>
    }
}

fn share(n: i64, of: i64) -> String {
    if of == 0 {
        "—".into()
    } else {
        format!("{n} ({:.0}%)", 100.0 * n as f64 / of as f64)
    }
}

#[component]
fn Table(rows: Vec<Acceptance>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">"No drafts yet."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|r| {
            let reviewed = r.sent_unchanged + r.sent_edited + r.rejected;
            view! {
                <tr data-method=r.method.clone() data-version=r.version.clone()>
                    <td>{r.method.clone()}</td>
                    <td>{r.version.clone()}</td>
                    <td class="num">{r.drafted}</td>
                    <td class="num">{r.pending}</td>
                    <td class="num" data-testid="sent-unchanged">{share(r.sent_unchanged, reviewed)}</td>
                    <td class="num" data-testid="sent-edited">{share(r.sent_edited, reviewed)}</td>
                    <td class="num" data-testid="rejected">{share(r.rejected, reviewed)}</td>
                    <td class="num">{r.mean_edit_distance.map(|d| format!("{d:.0}")).unwrap_or_else(|| "—".into())}</td>
                    <td class="num">{r.mean_edit_ratio.map(|d| format!("{:.0}%", d * 100.0)).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted">"Edit distance counts the characters an agent changed before sending; the ratio divides it by the draft's length."</p>
        <table class="grid" data-testid="acceptance">
            <thead><tr>
                <th>"Method"</th><th>"Version"</th><th>"Drafted"</th><th>"Pending"</th>
                <th>"Sent unchanged"</th><th>"Sent edited"</th><th>"Rejected"</th>
                <th>"Mean edit distance"</th><th>"Mean edit ratio"</th>
            </tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}
