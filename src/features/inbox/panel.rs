//! The escalation panel of the Ticket page: why it escalated (with highlighted matches), SLA clock, claim/assign/resolve, notes, reply, trail.

use super::api::{
    load_escalation, AddNote, Assign, Claim, DeEscalate, Escalate, Reopen, Resolve, SendReply,
};
use super::{time_left, EscalationView, TicketEscalation};
use crate::components::{action_error, cleared_on_success, fmt_time, loaded, Badge};
use crate::domain::inbox::LocalTimes;
use crate::domain::rules::Severity;
use crate::features::rules::checks::{fired_list, marked};
use leptos::prelude::*;

#[component]
pub fn EscalationPanel(ticket_id: i64) -> impl IntoView {
    // Every action redirects here with a new `at` stamp, which reloads the panel.
    let query = leptos_router::hooks::use_query_map();
    let ok = move || query.read().get("ok");
    let data = Resource::new(
        move || (ticket_id, query.read().get("at")),
        |(id, _)| load_escalation(id),
    );
    view! {
        <section class="card" id="escalation">
            {move || ok().map(|m| view! { <p class="ok" role="status">{m}</p> })}
            {loaded(data, "Loading escalation…", |t| view! { <Panel t/> })}
        </section>
    }
}

#[component]
fn Panel(t: TicketEscalation) -> impl IntoView {
    let heading = match (&t.escalation, t.decided) {
        (Some(e), _) if e.status == "de_escalated" => {
            "De-escalated: back in the normal flow".to_string()
        }
        (Some(_), _) => "Escalated".to_string(),
        (None, Some((true, v))) => {
            format!("Would escalate under rules v{v} (the ticket was already closed)")
        }
        (None, Some((false, v))) => format!("Not escalated (rules v{v})"),
        (None, None) => "Not analysed yet".into(),
    };
    let explain = (!t.fired.is_empty()).then(|| {
        view! {
            <h3>"Why"</h3>
            {fired_list(&t.fired)}
            <div class="body" data-testid="highlighted">{marked(t.pieces.clone())}</div>
        }
    });
    let can_escalate = t
        .escalation
        .as_ref()
        .is_none_or(|e| e.status == "de_escalated");
    let escalate = can_escalate.then(|| {
        view! { <EscalateForm ticket_id=t.ticket_id queues=t.queues.clone()/> }
    });
    view! {
        <h2 data-testid="escalation-heading">{heading}</h2>
        {t.escalation.clone().map(|e| view! { <Work e t=t.clone()/> })}
        {escalate}
        {explain}
        <Trail t/>
    }
}

/// Escalating a ticket no rule caught (or one sent back), with the queue and a reason.
#[component]
fn EscalateForm(ticket_id: i64, queues: Vec<String>) -> impl IntoView {
    let escalate = ServerAction::<Escalate>::new();
    let options = queues
        .into_iter()
        .map(|q| {
            let selected = q == "general";
            view! { <option value=q.clone() selected=selected>{q.clone()}</option> }
        })
        .collect_view();
    view! {
        <ActionForm action=escalate attr:class="form row" attr:data-testid="escalate">
            <input type="hidden" name="ticket_id" value=ticket_id/>
            <label>"Queue" <select name="queue">{options}</select></label>
            <label>"Why it needs a person" <input type="text" name="reason" required maxlength="2000"/></label>
            <button type="submit">"Escalate"</button>
        </ActionForm>
        {action_error(escalate.value())}
    }
}

#[component]
fn Work(e: EscalationView, t: TicketEscalation) -> impl IntoView {
    let claim = ServerAction::<Claim>::new();
    let assign = ServerAction::<Assign>::new();
    let resolve = ServerAction::<Resolve>::new();
    let reopen = ServerAction::<Reopen>::new();
    let de_escalate = ServerAction::<DeEscalate>::new();
    let note = ServerAction::<AddNote>::new();
    let reply = ServerAction::<SendReply>::new();
    let reply_form = cleared_on_success(reply);
    let note_form = cleared_on_success(note);
    let id = t.ticket_id;
    let open = e.status == "open";
    let resolved = e.status == "resolved";
    let mine = e.assignee_id == Some(t.me);
    let severity = Severity::from_rank(e.severity).as_str();
    let clock = if open {
        time_left(e.due_at, t.now)
    } else if e.status == "de_escalated" {
        "de-escalated".into()
    } else {
        "resolved".into()
    };
    let breached = open && e.due_at < t.now;
    let agents = t
        .agents
        .iter()
        .map(|(uid, name)| view! { <option value=*uid selected=e.assignee_id == Some(*uid)>{name.clone()}</option> })
        .collect_view();
    let reply_box = NodeRef::<leptos::html::Textarea>::new();
    let verdict_box = NodeRef::<leptos::html::Select>::new();
    focus_from_query(reply_box, verdict_box);
    let holder = match (&e.assignee, mine) {
        (Some(_), true) => "You have it.".to_string(),
        (Some(name), false) => format!("{name} has it."),
        (None, _) => "Nobody has claimed it yet.".into(),
    };
    view! {
        <p>
            <Badge kind=format!("severity-{severity}") text=severity/>
            {format!(" {} queue · {} · ", e.queue, match (e.origin.as_str(), e.rule_version) {
                ("manual", _) => "escalated by hand".to_string(),
                (_, Some(v)) => format!("rules v{v}"),
                (_, None) => "rules".to_string(),
            })}
            <strong class:breached=breached data-testid="sla-clock">{clock}</strong>
        </p>
        <p class="muted" data-testid="due-times">{due_times(&e, t.local.as_ref())}</p>
        <p data-testid="holder">{holder}</p>
        {open.then(|| view! {
            <div class="form row">
                {(e.assignee_id.is_none()).then(|| view! {
                    <ActionForm action=claim attr:class="inline">
                        <input type="hidden" name="ticket_id" value=id/>
                        <button type="submit">"Claim"</button>
                    </ActionForm>
                })}
                {mine.then(|| view! {
                    <ActionForm action=assign attr:class="inline">
                        <input type="hidden" name="ticket_id" value=id/>
                        <button type="submit">"Unclaim"</button>
                    </ActionForm>
                })}
                <ActionForm action=assign attr:class="inline">
                    <input type="hidden" name="ticket_id" value=id/>
                    <label>"Assign to " <select name="assignee_id">{agents}</select></label>
                    <button type="submit">"Assign"</button>
                </ActionForm>
            </div>
            <ActionForm action=reply node_ref=reply_form attr:class="form">
                <input type="hidden" name="ticket_id" value=id/>
                <label>"Reply to the customer" <textarea node_ref=reply_box name="body" rows="4" required></textarea></label>
                <button type="submit">"Send reply"</button>
            </ActionForm>
            <ActionForm action=resolve attr:class="form row">
                <input type="hidden" name="ticket_id" value=id/>
                <label>"Did this need a person?"
                    <select node_ref=verdict_box name="needed"><option value="yes">"yes"</option><option value="no">"no, the rules were wrong"</option></select>
                </label>
                <label>"Resolution note" <input type="text" name="note"/></label>
                <button type="submit">"Resolve"</button>
            </ActionForm>
            <ActionForm action=de_escalate attr:class="form row" attr:data-testid="de-escalate">
                <input type="hidden" name="ticket_id" value=id/>
                <label>"Why it does not need a person" <input type="text" name="reason" required maxlength="2000"/></label>
                <button type="submit">"De-escalate"</button>
            </ActionForm>
        })}
        {resolved.then(|| view! {
            <ActionForm action=reopen attr:class="inline">
                <input type="hidden" name="ticket_id" value=id/>
                <button type="submit">"Reopen"</button>
            </ActionForm>
        })}
        <ActionForm action=note node_ref=note_form attr:class="form">
            <input type="hidden" name="ticket_id" value=id/>
            <label>"Internal note (not sent to the customer)" <textarea name="body" rows="2" required></textarea></label>
            <button type="submit">"Add note"</button>
        </ActionForm>
        {action_error(claim.value())} {action_error(assign.value())} {action_error(resolve.value())}
        {action_error(reopen.value())} {action_error(note.value())} {action_error(reply.value())}
        {action_error(de_escalate.value())}
    }
}

#[component]
fn Trail(t: TicketEscalation) -> impl IntoView {
    let replies = t
        .replies
        .iter()
        .map(|r| view! {
            <li>
                <strong>{r.author.clone().unwrap_or_else(|| "TicketLens".into())}</strong>
                {format!(" replied {} ({})", fmt_time(&r.at), match (r.email.as_deref(), r.delivery.as_deref()) {
                    (Some(mail), _) => mail,
                    (None, Some("manual")) => "sent by hand",
                    (None, Some(d)) => d,
                    (None, None) => "draft",
                })}
                <div class="body reply">{r.body.clone()}</div>
            </li>
        })
        .collect_view();
    let items = t
        .activity
        .iter()
        .map(|a| view! {
            <li>
                <span class="nowrap muted">{fmt_time(&a.at)}</span> " "
                <strong>{a.actor.clone().unwrap_or_else(|| "TicketLens".into())}</strong>
                {format!(" {}", said(&a.kind))}
                {(!a.body.is_empty()).then(|| view! { ": " <span class="activity-body">{a.body.clone()}</span> })}
            </li>
        })
        .collect_view();
    let has_replies = !t.replies.is_empty();
    view! {
        {has_replies.then(|| view! { <h3>"Replies"</h3> <ul class="replies">{replies}</ul> })}
        <h3>"Activity"</h3>
        <ul class="activity" data-testid="activity">{items}</ul>
    }
}

/// A trail entry's kind as the trail reads it ("Bea Agent handed back: away").
fn said(kind: &str) -> &str {
    match kind {
        "handed_back" => "handed back",
        "de_escalated" => "de-escalated",
        "sla_warning" => "SLA warning",
        "sla_breached" => "SLA breach",
        other => other,
    }
}

/// Focuses the field the URL's `focus` names (`reply` or `resolve`: the inbox's keys link
/// here). The panel may be built before it is in the document, so the focus waits for that.
fn focus_from_query(
    reply: NodeRef<leptos::html::Textarea>,
    resolve: NodeRef<leptos::html::Select>,
) {
    let query = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        let focus = query.read().get("focus");
        #[cfg(feature = "hydrate")]
        {
            let field: Option<leptos::web_sys::HtmlElement> = match focus.as_deref() {
                Some("reply") => reply.get().map(|el| (*el).clone()),
                Some("resolve") => resolve.get().map(|el| (*el).clone()),
                _ => None,
            };
            if let Some(field) = field {
                focus_when_mounted(field, 60);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (focus, reply, resolve);
    });
}

#[cfg(feature = "hydrate")]
fn focus_when_mounted(field: leptos::web_sys::HtmlElement, frames: u32) {
    if field.is_connected() {
        let _ = field.focus();
    } else if frames > 0 {
        request_animation_frame(move || focus_when_mounted(field, frames - 1));
    }
}

/// The due times in the viewer's zone when the server gave them, else in UTC.
fn due_times(e: &EscalationView, local: Option<&LocalTimes>) -> String {
    let (first, resolution, answered, zone) = match local {
        Some(l) => (
            l.first_response_due.clone(),
            l.resolution_due.clone(),
            l.answered.clone(),
            format!(" ({})", l.zone),
        ),
        None => (
            fmt_time(&e.first_response_due),
            fmt_time(&e.resolution_due),
            e.first_response_at.as_ref().map(fmt_time),
            String::new(),
        ),
    };
    let answered = match answered {
        Some(at) => format!("answered {at}"),
        None => "not answered yet".into(),
    };
    format!("First response due {first} ({answered}) · resolution due {resolution}{zone}")
}
