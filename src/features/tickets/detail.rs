//! The Ticket page: the whole ticket, its timestamps and outcome, escalation, similar tickets and the reply draft, and the customer's other tickets.

use super::api::{get_ticket, CorrectSentiment};
use super::thread::Thread;
use super::{CategoryView, TicketDetail};
use crate::components::{fmt_opt_time, fmt_time, loaded, Badge, SentimentSelect};
use crate::features::categories::api::CorrectCategory;
use crate::features::drafts::panel::ReplyPanel;
use crate::features::inbox::panel::EscalationPanel;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    // The `at` stamp of a redirect after a correction reloads the ticket.
    let data = Resource::new(
        move || (id(), query.read().get("at")),
        |(id, _)| async move {
            match id {
                Some(id) => get_ticket(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        {loaded(data, "Loading ticket…", |t| view! { <Ticket t/> })}
    }
}

#[component]
fn Ticket(t: TicketDetail) -> impl IntoView {
    let history = t
        .history
        .iter()
        .map(|h| {
            view! {
                <tr>
                    <td><a href=format!("/tickets/{}", h.id)>{h.subject.clone()}</a></td>
                    <td><Badge kind=h.status.clone() text=h.status.clone()/></td>
                    <td class="nowrap">{fmt_time(&h.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let history_count = t.history.len();
    let all_link = t.customer_id.map(|c| format!("/tickets?customer={c}"));
    view! {
        <p><a href="/tickets">"← All tickets"</a></p>
        <h1 data-testid="ticket-subject">{t.subject.clone()}</h1>
        <div class="ticket">
            <article class="card">
                <Thread
                    thread=t.thread.clone()
                    customer=t.customer.clone()
                    trajectory=t.trajectory
                    svg=t.trajectory_svg.clone()
                />
            </article>
            <aside class="card facts">
                <dl>
                    <dt>"Ticket"</dt><dd>{format!("#{} · {}:{}", t.id, t.source, t.external_id)}</dd>
                    <dt>"Customer"</dt><dd>{t.customer.clone().unwrap_or_else(|| "—".into())} <br/> <small>{t.customer_email.clone()}</small></dd>
                    <dt>"Product"</dt><dd>{t.product.clone().unwrap_or_else(|| "—".into())} <small>{t.product_line.clone().map(|l| format!(" ({l})"))}</small></dd>
                    <dt>"Category"</dt><dd>{t.category.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Channel"</dt><dd>{t.channel.clone()}</dd>
                    <dt>"Priority"</dt><dd><Badge kind=t.priority.clone() text=t.priority.clone()/></dd>
                    <dt>"Status"</dt><dd><Badge kind=t.status.clone() text=t.status.clone()/></dd>
                    <dt>"Language"</dt><dd>{t.language.clone().unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Created"</dt><dd>{fmt_time(&t.created_at)}</dd>
                    <dt>"First response"</dt><dd>{fmt_opt_time(&t.first_response_at)}</dd>
                    <dt>"Resolved"</dt><dd>{fmt_opt_time(&t.resolved_at)}</dd>
                    <dt>"CSAT"</dt><dd>{t.csat.map(|c| format!("{c} / 5")).unwrap_or_else(|| "—".into())}</dd>
                </dl>
                <SentimentBox id=t.id analysis=t.analysis.clone() correction=t.correction.clone()/>
                <CategoryBox id=t.id c=t.category_view.clone()/>
            </aside>
        </div>
        <EscalationPanel ticket_id=t.id/>
        <ReplyPanel ticket_id=t.id/>
        <section>
            <h2>"Customer's other tickets (" {history_count} ")"</h2>
            {all_link.map(|href| view! { <p><a href=href>"Open them in the ticket list"</a></p> })}
            <table class="grid">
                <thead><tr><th>"Subject"</th><th>"Status"</th><th>"Created"</th></tr></thead>
                <tbody>{history}</tbody>
            </table>
        </section>
    }
}

#[component]
fn SentimentBox(
    id: i64,
    analysis: Option<super::SentimentView>,
    correction: Option<String>,
) -> impl IntoView {
    let correct = ServerAction::<CorrectSentiment>::new();
    let current = correction
        .clone()
        .or_else(|| analysis.as_ref().map(|a| a.label.clone()))
        .unwrap_or_default();
    let shown = analysis.map(|a| {
        view! {
            <p data-testid="sentiment">
                <Badge kind=format!("sentiment-{}", a.label) text=a.label.clone()/>
                {format!(" {:+.2}", a.score)}
                <br/>
                <small>{format!("{} · {} · {}", a.engine, a.version, fmt_time(&a.analysed_at))}</small>
            </p>
            {a.reason.clone().map(|reason| view! {
                <p class="evidence" data-testid="reason"><small>{format!("Why — the model's reason: {reason}")}</small></p>
            })}
            {(!a.evidence.is_empty()).then(|| view! {
                <p class="evidence" data-testid="evidence">
                    <small>
                        {if a.engine == "lexicon" {
                            "Why — the words and their valence: ".to_string()
                        } else {
                            format!("Why — the words that pushed it toward {}: ", a.label)
                        }}
                        {a.evidence.iter().map(|e| {
                            let negated = if e.negated { " (negated)" } else { "" };
                            format!("{} {:+.2}{negated}", e.term, e.weight)
                        }).collect::<Vec<_>>().join(" · ")}
                    </small>
                </p>
            })}
        }
    });
    view! {
        <h2>"Sentiment"</h2>
        {match shown {
            Some(v) => v.into_any(),
            None => view! { <p class="muted">"Not analysed yet."</p> }.into_any(),
        }}
        {correction.map(|c| view! { <p data-testid="correction">"Corrected by an agent: " <strong>{c}</strong></p> })}
        <ActionForm action=correct attr:class="form row">
            <input type="hidden" name="ticket_id" value=id/>
            <SentimentSelect title="Correct label" current=current/>
            <button type="submit">"Save as gold label"</button>
        </ActionForm>
    }
}

#[component]
fn CategoryBox(id: i64, c: CategoryView) -> impl IntoView {
    let correct = ServerAction::<CorrectCategory>::new();
    let predicted = match (&c.predicted, c.confidence) {
        (Some(p), Some(conf)) => view! {
            <p data-testid="predicted-category"><strong>{p.clone()}</strong>{format!(" ({:.0}% sure)", conf * 100.0)}
                <br/><small>{c.model.clone().unwrap_or_default()}</small></p>
        }.into_any(),
        _ => view! { <p class="muted">"No category predicted yet (no active category model)."</p> }.into_any(),
    };
    let current = c
        .corrected
        .clone()
        .or(c.predicted.clone())
        .unwrap_or_default();
    let options = c
        .known
        .iter()
        .map(|k| view! { <option value=k.clone()></option> })
        .collect_view();
    view! {
        <h2>"Predicted category"</h2>
        {predicted}
        {c.corrected.clone().map(|v| view! { <p data-testid="category-correction">"Corrected by an agent: " <strong>{v}</strong></p> })}
        <ActionForm action=correct attr:class="form row">
            <input type="hidden" name="ticket_id" value=id/>
            <label>"Correct category" <input type="text" name="category" list="known-categories" value=current required/></label>
            <datalist id="known-categories">{options}</datalist>
            <button type="submit">"Save category"</button>
        </ActionForm>
        {crate::components::action_error(correct.value())}
    }
}
