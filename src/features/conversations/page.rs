//! Conversations page view: the filter bar, the period's shares of improved, stayed and worsened conversations, message counts, tables by category, product, channel and agent, and the shift heatmap.

use super::api::get_conversations;
use super::{ConvFigures, Conversations, LengthBar, Share};
use crate::components::{fmt_count, loaded, FilterBar};
use crate::domain::analytics::AnalyticsFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let params = use_query_map();
    let filter = Memo::new(move |_| {
        let p = params.read();
        AnalyticsFilter::from_params(|k| p.get(k))
    });
    let data = Resource::new(move || filter.get(), get_conversations);
    view! {
        <h1>"Conversations"</h1>
        {loaded(data, "Reading conversations…", move |c| view! { <Figures c filter=filter.get_untracked()/> })}
    }
}

fn percent(s: &Share) -> String {
    s.share
        .map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn one_decimal(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

#[component]
fn Figures(c: Conversations, filter: AnalyticsFilter) -> impl IntoView {
    let bar = view! { <FilterBar action="/conversations" filter=filter choices=c.choices.clone() period=c.period/> };
    let (Some(period), Some(total)) = (c.period, c.total) else {
        return view! { {bar} <p class="muted">"No tickets yet: import some on the Data page."</p> }
            .into_any();
    };
    let kpi =
        |key: &'static str, label: &'static str, value: String, note: String, href: String| {
            view! {
                <a class="card kpi" href=href data-testid=format!("conv-{key}")>
                    <div class="kpi-label">{label}</div>
                    <div class="kpi-value">{value}</div>
                    <div class="kpi-note">{note}</div>
                </a>
            }
        };
    let of_conversations = |s: &Share| {
        format!(
            "{} of {} conversations",
            fmt_count(s.n),
            fmt_count(total.conversations)
        )
    };
    view! {
        {bar}
        <p class="muted" data-testid="period">
            {format!("{} to {} ({} days). A conversation is a ticket with two or more scored customer messages; \
                      it improved or worsened when its latest message scores more than 0.2 above or below its first.",
                period.from, period.to, period.days())}
        </p>
        <div class="kpis" data-testid="conv-kpis">
            {kpi("improved", "Improved", percent(&total.improved), of_conversations(&total.improved), total.improved.href.clone())}
            {kpi("stayed", "Stayed", percent(&total.stayed), of_conversations(&total.stayed), total.stayed.href.clone())}
            {kpi("worsened", "Worsened", percent(&total.worsened), of_conversations(&total.worsened), total.worsened.href.clone())}
            {kpi("messages", "Messages per ticket", one_decimal(total.messages_per_ticket),
                 format!("{} tickets", fmt_count(total.tickets)), total.tickets_href.clone())}
            {kpi("replies", "Replies until resolved", one_decimal(total.replies_until_resolved),
                 "agent messages per resolved ticket".into(), total.tickets_href.clone())}
        </div>
        <Lengths bars=c.lengths/>
        <section class="card chart heatmap" data-testid="conv-shift-heatmap">
            <h2>"Sentiment shift by category × agent"</h2>
            <div inner_html=c.shift_heatmap></div>
            <p class="muted">"Mean change from the first to the latest customer message of each conversation; red fell, blue rose. Click a cell for its tickets."</p>
        </section>
        <ConvTable title="By category" key="category" rows=c.by_category/>
        <ConvTable title="By product" key="product" rows=c.by_product/>
        <ConvTable title="By channel" key="channel" rows=c.by_channel/>
        <ConvTable title="By agent (latest to reply)" key="agent" rows=c.by_agent/>
    }
    .into_any()
}

#[component]
fn Lengths(bars: Vec<LengthBar>) -> impl IntoView {
    let total: i64 = bars.iter().map(|b| b.n).sum::<i64>().max(1);
    let rows = bars
        .into_iter()
        .map(|b| {
            let share = b.n as f64 * 100.0 / total as f64;
            view! {
                <tr>
                    <td><a href=b.href>{b.label}</a></td>
                    <td class="num">{fmt_count(b.n)}</td>
                    <td class="bar-cell"><span class="bar" style=format!("width:{share:.1}%")></span>{format!("{share:.1}%")}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="conv-lengths">
            <h2>"Messages per ticket"</h2>
            <table class="grid compact">
                <thead><tr><th>"Messages"</th><th>"Tickets"</th><th>"Share"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn ConvTable(title: &'static str, key: &'static str, rows: Vec<ConvFigures>) -> impl IntoView {
    let empty = rows.is_empty();
    let body = rows
        .into_iter()
        .map(|r| {
            let share = |s: Share| view! { <td class="num"><a href=s.href.clone()>{percent(&s)}</a></td> };
            view! {
                <tr>
                    <td><a href=r.tickets_href>{r.label}</a></td>
                    <td class="num">{fmt_count(r.tickets)}</td>
                    <td class="num">{fmt_count(r.conversations)}</td>
                    {share(r.improved)}
                    {share(r.stayed)}
                    {share(r.worsened)}
                    <td class="num">{r.mean_shift.map(|v| format!("{v:+.2}")).unwrap_or_else(|| "—".into())}</td>
                    <td class="num">{one_decimal(r.messages_per_ticket)}</td>
                    <td class="num">{one_decimal(r.replies_until_resolved)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid=format!("conv-by-{key}")>
            <h2>{title}</h2>
            {empty.then(|| view! { <p class="muted">"No tickets in this selection."</p> })}
            <table class="grid compact">
                <thead><tr>
                    <th>""</th><th>"Tickets"</th><th>"Conversations"</th><th>"Improved"</th>
                    <th>"Stayed"</th><th>"Worsened"</th><th>"Mean change"</th>
                    <th>"Messages / ticket"</th><th>"Replies until resolved"</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </section>
    }
}
