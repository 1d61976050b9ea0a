//! The Inbox page: counts, filters in the URL, and escalated tickets with the most pressing deadline first.

use super::api::{list_inbox, Bulk, Claim, ReadNotifications};
use super::views::{Keys, Views, Zone};
use super::{time_left, InboxPage, InboxQuery, InboxRow, PAGE_SIZE, SORTS};
use crate::components::{action_error, fmt_count, fmt_time, loaded, Badge};
use crate::domain::rules::Severity;
use crate::features::team::api::SetAvailability;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InboxPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let p = params.read();
        let keys = [
            "queue", "severity", "product", "assignee", "status", "due", "sort", "page",
        ];
        InboxQuery::from_pairs(keys.into_iter().filter_map(|k| p.get(k).map(|v| (k, v))))
    });
    let stamp = move || params.read().get("at");
    let data = Resource::new(move || (query.get(), stamp()), |(q, _)| list_inbox(q));
    view! {
        <h1>"Escalation inbox"</h1>
        {move || params.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {loaded(data, "Loading the inbox…", move |page: InboxPage| {
            let q = query.get_untracked();
            view! {
                <Availability available=page.available/>
                <Notifications list=page.notifications.clone()/>
                <Counts page=page.clone()/>
                <Views views=page.views.clone() q=q.clone()/>
                <Filters q=q.clone() page=page.clone()/>
                <Zone zone=page.zone.clone() own=page.own_zone back=q.to_query()/>
                <Rows page q/>
                <Keys/>
            }
        })}
    }
}

/// The viewer's availability for assignment, and the switch.
#[component]
fn Availability(available: bool) -> impl IntoView {
    let set = ServerAction::<SetAvailability>::new();
    let (state, switch, label) = if available {
        ("You are available for new tickets.", "false", "Go away")
    } else {
        (
            "You are away: no new tickets are assigned to you.",
            "true",
            "I'm back",
        )
    };
    view! {
        <ActionForm action=set attr:class="form inline" attr:data-testid="availability">
            <span>{state}</span>
            <input type="hidden" name="available" value=switch/>
            <button type="submit" class="button secondary">{label}</button>
        </ActionForm>
        {action_error(set.value())}
    }
}

/// The viewer's unread notifications (SLA warnings and breaches), with a link to each ticket.
#[component]
fn Notifications(list: Vec<super::NotificationView>) -> impl IntoView {
    let read = ServerAction::<ReadNotifications>::new();
    (!list.is_empty()).then(|| {
        let items = list
            .into_iter()
            .map(|n| {
                let class = if n.kind == "sla.breached" {
                    "breached"
                } else {
                    "warning"
                };
                let href = n.ticket_id.map(|t| format!("/tickets/{t}#escalation"));
                view! {
                    <li class=class>
                        <a href=href>{n.body}</a>
                        " " <span class="muted">{fmt_time(&n.at)}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card" data-testid="notifications">
                <h2>"Notifications"</h2>
                <ul>{items}</ul>
                <ActionForm action=read attr:class="form inline">
                    <button type="submit" class="button secondary">"Mark all read"</button>
                </ActionForm>
            </section>
        }
    })
}

#[component]
fn Counts(page: InboxPage) -> impl IntoView {
    let c = page.counts;
    view! {
        <p class="counts" data-testid="inbox-counts">
            <a href="/inbox">{format!("{} open", fmt_count(c.open))}</a>
            " · " <a class="breached" href="/inbox?due=breached">{format!("{} breached", fmt_count(c.breached))}</a>
            " · " <a href="/inbox?assignee=none">{format!("{} unassigned", fmt_count(c.unassigned))}</a>
            " · " <a href="/inbox?assignee=me">{format!("{} mine", fmt_count(c.mine))}</a>
        </p>
    }
}

fn options(items: Vec<(String, String)>, selected: Option<String>) -> impl IntoView {
    items
        .into_iter()
        .map(|(value, label)| {
            let sel = selected.as_deref() == Some(value.as_str());
            view! { <option value=value selected=sel>{label}</option> }
        })
        .collect_view()
}

#[component]
fn Filters(q: InboxQuery, page: InboxPage) -> impl IntoView {
    let any = |label: &str| vec![(String::new(), label.to_string())];
    let statuses = vec![
        ("open".to_string(), "open".to_string()),
        ("resolved".into(), "resolved".into()),
        ("all".into(), "all".into()),
    ];
    let queues: Vec<(String, String)> = any("any queue")
        .into_iter()
        .chain(
            page.queues
                .iter()
                .map(|(q, n)| (q.clone(), format!("{q} ({n})"))),
        )
        .collect();
    let severities: Vec<(String, String)> = any("any severity")
        .into_iter()
        .chain(
            Severity::ALL
                .iter()
                .rev()
                .map(|s| (s.as_str().to_string(), s.as_str().to_string())),
        )
        .collect();
    let products: Vec<(String, String)> = any("any product")
        .into_iter()
        .chain(
            page.products
                .iter()
                .map(|(id, n)| (id.to_string(), n.clone())),
        )
        .collect();
    let assignees: Vec<(String, String)> = any("anyone")
        .into_iter()
        .chain([
            ("me".to_string(), "me".to_string()),
            ("none".into(), "unassigned".into()),
        ])
        .chain(
            page.agents
                .iter()
                .map(|(id, n)| (id.to_string(), n.clone())),
        )
        .collect();
    let dues = vec![
        (String::new(), "any".to_string()),
        ("at_risk".into(), "at risk".into()),
        ("breached".into(), "breached".into()),
    ];
    let sorts: Vec<(String, String)> = SORTS
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string()))
        .collect();
    view! {
        <form method="get" action="/inbox" class="form row filters">
            <label>"Status" <select name="status">{options(statuses, q.status.clone().or(Some("open".into())))}</select></label>
            <label>"Queue" <select name="queue">{options(queues, q.queue.clone())}</select></label>
            <label>"Severity" <select name="severity">{options(severities, q.severity.clone())}</select></label>
            <label>"Product" <select name="product">{options(products, q.product.map(|p| p.to_string()))}</select></label>
            <label>"Assignee" <select name="assignee">{options(assignees, q.assignee.clone())}</select></label>
            <label>"Due" <select name="due">{options(dues, q.due.clone())}</select></label>
            <label>"Sort by" <select name="sort">{options(sorts, q.sort.clone().or(Some("due".into())))}</select></label>
            <button type="submit">"Filter"</button>
        </form>
    }
}

fn row(
    (i, r): (usize, InboxRow),
    now: chrono::DateTime<chrono::Utc>,
    claim: ServerAction<Claim>,
    back: &str,
) -> impl IntoView {
    let back = back.to_string();
    let open = r.status == "open";
    let breached = open && r.due_at < now;
    let at_risk = open && !breached && r.warn_at <= now;
    let due = if open {
        view! {
            {time_left(r.due_at, now)}
            {at_risk.then(|| view! { " " <Badge kind="at-risk".to_string() text="at risk"/> })}
            <br/><small class="muted" title="due">{r.due_local.clone()}</small>
        }
        .into_any()
    } else {
        view! { {r.status.clone()} }.into_any()
    };
    let severity = Severity::from_rank(r.severity).as_str();
    let who = match (r.assignee.clone(), r.status.as_str()) {
        (Some(name), _) => view! { <span>{name}</span> }.into_any(),
        (None, "open") => view! {
            <ActionForm action=claim attr:class="inline">
                <input type="hidden" name="ticket_id" value=r.ticket_id/>
                <input type="hidden" name="back" value=back/>
                <button type="submit" class="small">"Claim"</button>
            </ActionForm>
        }
        .into_any(),
        (None, _) => view! { <span class="muted">"—"</span> }.into_any(),
    };
    view! {
        <tr class:breached=breached class:at-risk=at_risk data-ticket=r.ticket_id>
            <td><input type="checkbox" form="bulk" name=format!("tickets[{i}]") value=r.ticket_id aria-label=format!("Select ticket {}", r.ticket_id)/></td>
            <td class="nowrap">{due}</td>
            <td><Badge kind=format!("severity-{severity}") text=severity/></td>
            <td><a href=format!("/tickets/{}#escalation", r.ticket_id)>{r.subject.clone()}</a><br/><small class="muted">{r.rules.clone()}</small></td>
            <td>{r.queue.clone()}</td>
            <td>{r.product.clone().unwrap_or_else(|| "—".into())}</td>
            <td><Badge kind=r.priority.clone() text=r.priority.clone()/></td>
            <td>{r.customer.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{who}</td>
        </tr>
    }
}

#[component]
fn Rows(page: InboxPage, q: InboxQuery) -> impl IntoView {
    let claim = ServerAction::<Claim>::new();
    let now = page.now;
    let shown = page.rows.len() as i64;
    let current = q.page.unwrap_or(0);
    let link = {
        let q = q.clone();
        move |p: i64| q.href(Some(p))
    };
    let back = format!("inbox?{}", q.to_query());
    let rows = page
        .rows
        .into_iter()
        .enumerate()
        .map(|r| row(r, now, claim, &back))
        .collect_view();
    let more = (current + 1) * PAGE_SIZE < page.total;
    view! {
        {action_error(claim.value())}
        <p class="muted">{format!("{} {}; showing {}.", fmt_count(page.total), if page.total == 1 { "escalation matches" } else { "escalations match" }, fmt_count(shown))}</p>
        <BulkForm agents=page.agents.clone() back=q.to_query()/>
        <table class="grid" data-testid="inbox">
            <thead><tr><th><span class="sr-only">"Select"</span></th><th>"Due"</th><th>"Severity"</th><th>"Ticket and why"</th><th>"Queue"</th><th>"Product"</th><th>"Priority"</th><th>"Customer"</th><th>"Assignee"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="pager">
            {(current > 0).then(|| view! { <a href=link(current - 1)>"← Previous"</a> " " })}
            {more.then(|| view! { <a href=link(current + 1)>"Next →"</a> })}
        </p>
    }
}

/// Assign or resolve the rows whose boxes are ticked (they name this form with `form="bulk"`).
#[component]
fn BulkForm(agents: Vec<(i64, String)>, back: String) -> impl IntoView {
    let bulk = ServerAction::<Bulk>::new();
    let assign = agents
        .into_iter()
        .map(|(id, name)| {
            view! { <option value=format!("assign:{id}")>{format!("Assign to {name}")}</option> }
        })
        .collect_view();
    view! {
        <ActionForm action=bulk attr:id="bulk" attr:class="form inline" attr:data-testid="bulk">
            <input type="hidden" name="back" value=back/>
            <label>"With the selected tickets"
                <select name="action">
                    <option value="assign:me">"Assign to me"</option>
                    <option value="assign:none">"Put back in the queue"</option>
                    {assign}
                    <option value="resolve:yes">"Resolve (escalation was needed)"</option>
                    <option value="resolve:no">"Resolve (false alarm)"</option>
                </select>
            </label>
            <button type="submit" class="button secondary">"Apply to selected"</button>
        </ActionForm>
        {action_error(bulk.value())}
    }
}
