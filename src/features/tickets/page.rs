//! The Tickets page: search and filters in the URL, a keyset-paginated table, the total count.

use super::api::list_tickets;
use super::{TicketList, TicketQuery, TicketSort};
use crate::components::{fmt_count, fmt_time, loaded, Badge, ExportLink};
use crate::domain::{Channel, Priority, Status};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn TicketsPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let p = params.read();
        TicketQuery::from_params(|k| p.get(k))
    });
    let data = Resource::new(move || query.get(), list_tickets);
    view! {
        <h1>"Tickets"</h1>
        {loaded(data, "Loading tickets…", move |list: TicketList| {
            let q = query.get_untracked();
            view! { <Filters query=q.clone() products=list.products.clone()/> <Results list query=q/> }
        })}
    }
}

/// The filter form: a plain GET form; with JavaScript, changing a select applies it at once.
#[component]
fn Filters(query: TicketQuery, products: Vec<(i64, String)>) -> impl IntoView {
    let navigate = use_navigate();
    let base = query.clone();
    let apply = move |field: &'static str, value: String| {
        let mut q = base.clone();
        q.after = None;
        match field {
            "product" => q.product = value.parse().ok(),
            "channel" => q.channel = Channel::parse(&value),
            "priority" => q.priority = Priority::parse(&value),
            "status" => q.status = Status::parse(&value),
            _ => q.sort = TicketSort::parse(&value).unwrap_or_default(),
        }
        navigate(
            &format!("/tickets?{}", q.to_query_string()),
            Default::default(),
        );
    };
    let on = move |field: &'static str| {
        let apply = apply.clone();
        move |ev: leptos::ev::Event| apply(field, event_target_value(&ev))
    };
    let opts = |items: Vec<(String, String)>, selected: Option<String>| {
        items
            .into_iter()
            .map(|(value, label)| {
                let sel = selected.as_deref() == Some(value.as_str());
                view! { <option value=value selected=sel>{label}</option> }
            })
            .collect_view()
    };
    let vocab = |all: &[&str]| {
        all.iter()
            .map(|v| (v.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let channels = vocab(&Channel::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    let priorities = vocab(&Priority::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    let statuses = vocab(&Status::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    let products = products
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let sorts = TicketSort::ALL
        .iter()
        .map(|(s, l)| (s.as_str().to_string(), l.to_string()))
        .collect();
    view! {
        <Form method="GET" action="/tickets">
            <div class="filters" role="search">
                <input type="search" name="q" placeholder="Search subject and text" value=query.q.clone() aria-label="Search"/>
                <select name="product" aria-label="Product" on:change=on("product")>
                    <option value="">"All products"</option>
                    {opts(products, query.product.map(|p| p.to_string()))}
                </select>
                <select name="channel" aria-label="Channel" on:change=on("channel")>
                    <option value="">"All channels"</option>
                    {opts(channels, query.channel.map(|v| v.to_string()))}
                </select>
                <select name="priority" aria-label="Priority" on:change=on("priority")>
                    <option value="">"All priorities"</option>
                    {opts(priorities, query.priority.map(|v| v.to_string()))}
                </select>
                <select name="status" aria-label="Status" on:change=on("status")>
                    <option value="">"All statuses"</option>
                    {opts(statuses, query.status.map(|v| v.to_string()))}
                </select>
                <label>"From" <input type="date" name="from" value=query.from.map(|d| d.to_string())/></label>
                <label>"To" <input type="date" name="to" value=query.to.map(|d| d.to_string())/></label>
                <select name="sort" aria-label="Sort" on:change=on("sort")>
                    {opts(sorts, Some(query.sort.as_str().to_string()))}
                </select>
                {query.customer.map(|c| view! { <input type="hidden" name="customer" value=c.to_string()/> })}
                {query.cluster.map(|c| view! { <input type="hidden" name="cluster" value=c.to_string()/> })}
                {query.category.clone().map(|c| view! { <input type="hidden" name="category" value=c/> })}
                {query.sentiment.map(|s| view! { <input type="hidden" name="sentiment" value=s.to_string()/> })}
                {query.weekday.map(|d| view! { <input type="hidden" name="weekday" value=d.to_string()/> })}
                {query.hour.map(|h| view! { <input type="hidden" name="hour" value=h.to_string()/> })}
                {query.agent.clone().map(|a| view! { <input type="hidden" name="agent" value=a/> })}
                {query.shift.map(|s| view! { <input type="hidden" name="shift" value=s.as_str()/> })}
                {query.messages.map(|m| view! { <input type="hidden" name="messages" value=m.to_string()/> })}
                <button type="submit">"Apply"</button>
                <a href="/tickets" class="button secondary">"Clear"</a>
            </div>
        </Form>
    }
}

/// The analytics narrowing a heatmap cell carried here, in words ("category billing, Tuesday 14:00").
fn drill_down(q: &TicketQuery) -> Option<String> {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let mut parts = Vec::new();
    if let Some(c) = &q.category {
        parts.push(format!("category {c}"));
    }
    if let Some(s) = q.sentiment {
        parts.push(format!("{s} sentiment"));
    }
    if let Some(a) = &q.agent {
        parts.push(format!("agent {a}"));
    }
    if let Some(s) = q.shift {
        parts.push(format!("conversations that {}", s.as_str()));
    }
    match q.messages {
        Some(5) => parts.push("5 or more messages".into()),
        Some(1) => parts.push("1 message".into()),
        Some(n) => parts.push(format!("{n} messages")),
        None => {}
    }
    match (q.weekday, q.hour) {
        (Some(d), Some(h)) => parts.push(format!("{} {h:02}:00 UTC", DAYS[usize::from(d - 1)])),
        (Some(d), None) => parts.push(DAYS[usize::from(d - 1)].to_string()),
        (None, Some(h)) => parts.push(format!("{h:02}:00 UTC")),
        (None, None) => {}
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[component]
fn Results(list: TicketList, query: TicketQuery) -> impl IntoView {
    let next = list.next_cursor.clone().map(|cursor| {
        let mut q = query.clone();
        q.after = Some(cursor);
        format!("/tickets?{}", q.to_query_string())
    });
    let first = query.after.is_some().then(|| {
        let mut q = query.clone();
        q.after = None;
        format!("/tickets?{}", q.to_query_string())
    });
    let shown = list.rows.len();
    let rows = list
        .rows
        .into_iter()
        .map(|t| {
            view! {
                <tr>
                    <td class="num">{t.id}</td>
                    <td><a href=format!("/tickets/{}", t.id)>{t.subject}</a></td>
                    <td>{t.customer.unwrap_or_default()}</td>
                    <td>{t.product.unwrap_or_default()}</td>
                    <td>{t.channel}</td>
                    <td><Badge kind=t.priority.clone() text=t.priority/></td>
                    <td><Badge kind=t.status.clone() text=t.status/></td>
                    <td class="nowrap">{fmt_time(&t.created_at)}</td>
                    <td class="num">{t.csat.map(|c| c.to_string()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="count" data-testid="ticket-count">
            <strong>{fmt_count(list.total)}</strong> " tickets match"
            {(shown > 0).then(|| format!(" · showing {shown}"))}
            {list.cluster.clone().map(|c| view! { " · in cluster " <strong data-testid="cluster-filter">{c}</strong> " (" <a href="/clusters">"all clusters"</a> ")" })}
            {drill_down(&query).map(|d| view! { " · " <span data-testid="drill-down">{d}</span> })}
            " · " <ExportLink href=format!("/export/tickets.csv?{}", query.to_query_string())/>
        </p>
        <table class="grid">
            <thead>
                <tr>
                    <th>"#"</th><th>"Subject"</th><th>"Customer"</th><th>"Product"</th><th>"Channel"</th>
                    <th>"Priority"</th><th>"Status"</th><th>"Created"</th><th>"CSAT"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <a href=href>"« First page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page »"</a> })}
        </nav>
    }
}
