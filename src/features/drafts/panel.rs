//! The reply part of the Ticket page: similar resolved tickets and the draft an agent edits and sends, or rejects.

use super::api::{load_assist, Redraft, RejectDraft, SendDraft};
use super::{DraftView, ReplyAssist, SimilarView};
use crate::components::{action_error, fmt_opt_time, fmt_time, loaded, textarea_text, Badge};
use leptos::prelude::*;

#[component]
pub fn ReplyPanel(ticket_id: i64) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let ok = move || query.read().get("reply_ok");
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                ticket_id,
                q.get("similar").as_deref() == Some("product"),
                q.get("at"),
            )
        },
        |(id, same_product, _)| load_assist(id, same_product),
    );
    view! {
        <section class="card" id="reply">
            {move || ok().map(|m| view! { <p class="ok" role="status">{m}</p> })}
            {loaded(data, "Loading similar tickets and draft…", |a| view! { <Assist a/> })}
        </section>
    }
}

#[component]
fn Assist(a: ReplyAssist) -> impl IntoView {
    let draft = match (a.draft.clone(), a.no_draft.clone()) {
        (Some(d), _) => view! { <Draft d ticket_id=a.ticket_id/> }.into_any(),
        (None, why) => view! {
            <h2>"Suggested reply"</h2>
            <p class="muted" data-testid="no-draft">{why.unwrap_or_default()}</p>
        }
        .into_any(),
    };
    view! {
        {draft}
        <Similar a/>
    }
}

#[component]
fn Draft(d: DraftView, ticket_id: i64) -> impl IntoView {
    let send = ServerAction::<SendDraft>::new();
    let reject = ServerAction::<RejectDraft>::new();
    let again = ServerAction::<Redraft>::new();
    let pending = d.status == "draft";
    let sources = d
        .sources
        .iter()
        .map(|s| {
            let label = match (s.kind.as_str(), s.id) {
                ("ticket", Some(id)) => {
                    view! { <a href=format!("/tickets/{id}")>{s.label.clone()}</a> }.into_any()
                }
                _ => view! { <span>{s.label.clone()}</span> }.into_any(),
            };
            view! {
                <li>
                    {label}
                    {s.similarity.map(|v| format!(" · similarity {v:.2}"))}
                    {s.passage.clone().map(|p| view! { <br/><q>{p}</q> })}
                </li>
            }
        })
        .collect_view();
    let outcome = match d.status.as_str() {
        "sent" => format!(
            "Sent by {} on {} · {} characters changed",
            d.reviewer.clone().unwrap_or_else(|| "an agent".into()),
            fmt_opt_time(&d.reviewed_at),
            d.edit_distance.unwrap_or(0)
        ),
        "rejected" => format!(
            "Rejected by {}: {}",
            d.reviewer.clone().unwrap_or_else(|| "an agent".into()),
            d.reject_reason.clone().unwrap_or_default()
        ),
        _ => String::new(),
    };
    let body = d.body.clone();
    view! {
        <h2>"Suggested reply"</h2>
        <p data-testid="draft-method">
            <Badge kind=format!("method-{}", d.method) text=d.method.clone()/>
            " " <small>{d.version.clone()} " · drafted " {fmt_time(&d.created_at)}</small>
        </p>
        {d.fallback.clone().map(|f| view! { <p class="warn" data-testid="draft-fallback">{f}</p> })}
        {if pending {
            view! {
                <ActionForm action=send attr:class="form">
                    <input type="hidden" name="ticket_id" value=ticket_id/>
                    <input type="hidden" name="draft_id" value=d.id/>
                    <label>"Reply (edit before sending)"
                        <textarea name="body" rows="10" data-testid="draft-body">{textarea_text(body)}</textarea>
                    </label>
                    <button type="submit">"Approve and send"</button>
                </ActionForm>
                {action_error(send.value())}
                <ActionForm action=reject attr:class="form row">
                    <input type="hidden" name="ticket_id" value=ticket_id/>
                    <input type="hidden" name="draft_id" value=d.id/>
                    <label>"Reason" <input type="text" name="reason" required maxlength="500" placeholder="wrong facts, wrong tone…"/></label>
                    <button type="submit" class="secondary">"Reject draft"</button>
                </ActionForm>
                {action_error(reject.value())}
                <ActionForm action=again attr:class="form row">
                    <input type="hidden" name="ticket_id" value=ticket_id/>
                    <button type="submit" class="secondary">"Draft again with the current method"</button>
                </ActionForm>
                {action_error(again.value())}
            }
            .into_any()
        } else {
            view! {
                <p data-testid="draft-outcome"><Badge kind=d.status.clone() text=d.status.clone()/> " " {outcome}</p>
                <div class="body reply">{body}</div>
            }
            .into_any()
        }}
        <h3>"Made from"</h3>
        <ul class="sources" data-testid="draft-sources">{sources}</ul>
    }
}

#[component]
fn Similar(a: ReplyAssist) -> impl IntoView {
    let rows = a
        .similar
        .iter()
        .map(|s: &SimilarView| {
            view! {
                <tr>
                    <td><a href=format!("/tickets/{}", s.id)>{format!("#{} {}", s.id, s.subject)}</a>
                        <br/><small>{s.product.clone().unwrap_or_default()}</small></td>
                    <td class="num">{format!("{:.2}", s.similarity)}</td>
                    <td class="num">{s.csat.map(|c| format!("{c} / 5")).unwrap_or_else(|| "—".into())}</td>
                    <td><details><summary>{s.reply.as_ref().map(|r| r.chars().take(90).collect::<String>()).unwrap_or_else(|| "(no reply stored)".into())}</summary>
                        <div class="body reply">{s.reply.clone()}</div></details></td>
                </tr>
            }
        })
        .collect_view();
    let count = a.similar.len();
    let toggle = if a.same_product {
        view! { <a href=format!("/tickets/{}#reply", a.ticket_id)>"Show all products"</a> }
    } else {
        view! { <a href=format!("/tickets/{}?similar=product#reply", a.ticket_id)>"Same product only"</a> }
    };
    view! {
        <h2>"Similar resolved tickets (" {count} ")"</h2>
        <p>{toggle}</p>
        <table class="grid" data-testid="similar-tickets">
            <thead><tr><th>"Ticket"</th><th>"Similarity"</th><th>"CSAT"</th><th>"Reply"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
