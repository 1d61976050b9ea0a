//! The ticket's conversation: each message in time order with its author and sentiment chip,
//! rule matches marked where they were found, and the trajectory of the customer's mood.

use super::api::CorrectMessageSentiment;
use crate::components::{fmt_time, SentimentSelect};
use crate::domain::escalation::highlight;
use crate::domain::message::{MessageView, Trajectory};
use leptos::prelude::*;

#[component]
pub fn Thread(
    thread: Vec<MessageView>,
    customer: Option<String>,
    trajectory: Option<Trajectory>,
    svg: Option<String>,
) -> impl IntoView {
    let count = thread.len();
    let messages = thread
        .into_iter()
        .map(|m| view! { <Message m customer=customer.clone()/> })
        .collect_view();
    view! {
        <section class="thread" data-testid="thread">
            <h2>{format!("Conversation ({count} message{})", if count == 1 { "" } else { "s" })}</h2>
            {trajectory.map(|t| view! { <TrajectoryLine t svg/> })}
            <ol class="messages">{messages}</ol>
        </section>
    }
}

#[component]
fn Message(m: MessageView, customer: Option<String>) -> impl IntoView {
    let who = match (m.kind.as_str(), &m.author) {
        (_, Some(a)) => a.clone(),
        ("customer", None) => customer.unwrap_or_else(|| "Customer".into()),
        ("agent", None) => "Agent".into(),
        ("note", None) => "Internal note".into(),
        _ => "System".into(),
    };
    let chip = m.sentiment.clone().map(|label| {
        let score = m.score.map(|s| format!(" {s:+.2}")).unwrap_or_default();
        view! { <span class=format!("badge badge-{label}") data-testid="message-sentiment">{label.clone()}{score}</span> }
    });
    // A later customer message gets its own gold label (the opening one is the ticket's).
    let correct = (m.kind == "customer" && !m.opening).then(|| {
        view! { <CorrectMessage id=m.id current=m.correction.clone().or(m.sentiment.clone())/> }
    });
    let corrected = m.correction.clone().map(|c| {
        view! { <small data-testid="message-correction">{format!(" · corrected: {c}")}</small> }
    });
    let body = highlight(&m.body, &m.spans)
        .into_iter()
        .map(|(text, marked)| {
            if marked {
                view! { <mark>{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view();
    view! {
        <li class=format!("message message-{}", m.kind) data-testid=format!("message-{}", m.kind)>
            <header>
                <strong>{who}</strong>
                <small>{format!(" · {} · {}", m.kind, m.channel)}{if m.opening { " · opened the ticket" } else { "" }}</small>
                <small class="nowrap">{format!(" · {}", fmt_time(&m.created_at))}</small>
                " " {chip} {corrected}
            </header>
            <div class="body">{body}</div>
            {correct}
        </li>
    }
}

#[component]
fn CorrectMessage(id: i64, current: Option<String>) -> impl IntoView {
    let action = ServerAction::<CorrectMessageSentiment>::new();
    let current = current.unwrap_or_default();
    view! {
        <ActionForm action=action attr:class="form row correct-message">
            <input type="hidden" name="message_id" value=id/>
            <SentimentSelect title="Sentiment" current=current/>
            <button type="submit" class="secondary">"Save as gold label"</button>
        </ActionForm>
    }
}

#[component]
fn TrajectoryLine(t: Trajectory, svg: Option<String>) -> impl IntoView {
    let shift = format!("{:?}", t.shift()).to_lowercase();
    view! {
        <div class="trajectory" data-testid="trajectory">
            <p>
                {format!(
                    "Sentiment over {} customer message{}: first {:+.2}, latest {:+.2}, lowest {:+.2}; change {:+.2} ",
                    t.messages, if t.messages == 1 { "" } else { "s" }, t.first, t.latest, t.lowest, t.change()
                )}
                <span class=format!("badge badge-shift-{shift}") data-testid="trajectory-shift">{shift.clone()}</span>
            </p>
            {svg.map(|svg| view! { <figure class="chart small" data-testid="trajectory-chart" inner_html=svg></figure> })}
        </div>
    }
}
