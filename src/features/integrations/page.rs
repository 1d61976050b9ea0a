//! Integrations page view: webhook subscriptions with test and pause buttons, the delivery log with replays and attempts, inbound sources.

use super::api::{
    get_integrations, CreateInbound, CreateSubscription, DeleteInbound, DeleteSubscription,
    ReplayDelivery, SendTestEvent, SetSubscriptionActive,
};
use super::{
    AttemptView, Created, DeliveryView, InboundView, Integrations, SubscriptionView, EVENTS,
    STATUSES,
};
use crate::components::{action_error, fmt_count, loaded};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn when(d: chrono::DateTime<chrono::Utc>) -> String {
    d.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The secret of something just created, shown once.
fn created_secret(
    value: impl Get<Value = Option<Result<Created, AppError>>> + Send + Sync + 'static,
    what: &'static str,
    testid: &'static str,
) -> impl IntoView {
    move || {
        value.get().map(|r| match r {
            Ok(c) => view! {
                <div class="card ok" role="status" data-testid=testid>
                    <p>{what} " " <strong>{c.name}</strong> " created. Its signing secret, shown only now:"</p>
                    <pre class="token"><code>{c.secret}</code></pre>
                </div>
            }
            .into_any(),
            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    }
}

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let query = use_query_map();
    let subscribe = ServerAction::<CreateSubscription>::new();
    let switch = ServerAction::<SetSubscriptionActive>::new();
    let unsubscribe = ServerAction::<DeleteSubscription>::new();
    let test = ServerAction::<SendTestEvent>::new();
    let replay = ServerAction::<ReplayDelivery>::new();
    let add_inbound = ServerAction::<CreateInbound>::new();
    let remove_inbound = ServerAction::<DeleteInbound>::new();
    let data = Resource::new(
        move || {
            (
                query.get(),
                subscribe.version().get(),
                switch.version().get(),
                unsubscribe.version().get(),
                test.version().get(),
                replay.version().get(),
                (add_inbound.version().get(), remove_inbound.version().get()),
            )
        },
        move |(q, ..)| get_integrations(q.get("status"), q.get("delivery")),
    );
    let actions = Actions {
        switch,
        unsubscribe,
        test,
        replay,
        remove_inbound,
    };
    view! {
        <h1>"Integrations"</h1>
        <p class="muted">
            "Webhooks send events to other systems (Zapier, your own services) as signed JSON; inbound "
            "webhooks let them create tickets. The README explains the signature and the fields."
        </p>
        {created_secret(subscribe.value(), "Subscription", "new-subscription")}
        {created_secret(add_inbound.value(), "Inbound source", "new-inbound")}
        {action_error(switch.value())}
        {action_error(unsubscribe.value())}
        {action_error(replay.value())}
        {action_error(remove_inbound.value())}
        {move || test.value().get().map(|r| match r {
            Ok(id) => view! { <p class="ok" role="status" data-testid="test-queued">{format!("Test event queued as delivery {id}.")}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
        })}
        {loaded(data, "Loading integrations…", move |d| view! { <Sections d actions/> })}
        <section class="card">
            <h2>"New webhook subscription"</h2>
            <ActionForm action=subscribe attr:class="form">
                <label>"Name" <input type="text" name="name" required maxlength="100" placeholder="e.g. Zapier escalations"/></label>
                <label>"URL" <input type="url" name="url" required placeholder="https://hooks.zapier.com/hooks/catch/…"/></label>
                <fieldset>
                    <legend>"Events"</legend>
                    {EVENTS.iter().enumerate().map(|(i, e)| view! {
                        <label class="check"><input type="checkbox" name=format!("events[{i}]") value=*e/><code>{*e}</code></label>
                    }).collect_view()}
                </fieldset>
                <button type="submit">"Subscribe"</button>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"New inbound source"</h2>
            <ActionForm action=add_inbound attr:class="form row">
                <label>"Source name" <input type="text" name="source" required maxlength="40" pattern="[a-z0-9][a-z0-9_\\-]*" placeholder="zapier"/></label>
                <button type="submit">"Add source"</button>
            </ActionForm>
        </section>
    }
}

/// The page's buttons, shared by the tables.
#[derive(Clone, Copy)]
struct Actions {
    switch: ServerAction<SetSubscriptionActive>,
    unsubscribe: ServerAction<DeleteSubscription>,
    test: ServerAction<SendTestEvent>,
    replay: ServerAction<ReplayDelivery>,
    remove_inbound: ServerAction<DeleteInbound>,
}

#[component]
fn Sections(d: Integrations, actions: Actions) -> impl IntoView {
    let attempts = d
        .attempts
        .clone()
        .map(|(id, log)| view! { <AttemptLog id log/> });
    view! {
        <section>
            <h2>"Webhook subscriptions"</h2>
            <Subscriptions list=d.subscriptions actions/>
        </section>
        <section>
            <h2>"Deliveries"</h2>
            <StatusFilter status=d.status.clone()/>
            <Deliveries list=d.deliveries status=d.status actions/>
            {attempts}
        </section>
        <section>
            <h2>"Inbound sources"</h2>
            <Inbound list=d.inbound actions/>
        </section>
    }
}

#[component]
fn Subscriptions(list: Vec<SubscriptionView>, actions: Actions) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">"No webhook subscriptions yet."</p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|s| {
            let state = if s.active { "active" } else { "paused" };
            let (test_label, delete_label) = (
                format!("Send a test event to {}", s.name),
                format!("Delete {}", s.name),
            );
            let toggle = if s.active { "Pause" } else { "Resume" };
            view! {
                <tr>
                    <td>{s.name.clone()}</td>
                    <td><code>{s.url.clone()}</code></td>
                    <td>{s.events.join(", ")}</td>
                    <td>{state}</td>
                    <td class="num">{fmt_count(s.pending)}</td>
                    <td class="num">{fmt_count(s.delivered)}</td>
                    <td class="num">{fmt_count(s.dead)}</td>
                    <td class="actions">
                        <ActionForm action=actions.test attr:class="form inline">
                            <input type="hidden" name="id" value=s.id.to_string()/>
                            <button type="submit" class="button secondary" aria-label=test_label>"Send test event"</button>
                        </ActionForm>
                        <ActionForm action=actions.switch attr:class="form inline">
                            <input type="hidden" name="id" value=s.id.to_string()/>
                            <input type="hidden" name="active" value=(!s.active).to_string()/>
                            <button type="submit" class="button secondary">{toggle}</button>
                        </ActionForm>
                        <ActionForm action=actions.unsubscribe attr:class="form inline">
                            <input type="hidden" name="id" value=s.id.to_string()/>
                            <button type="submit" class="button secondary" aria-label=delete_label>"Delete"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="subscriptions">
            <thead><tr><th>"Name"</th><th>"URL"</th><th>"Events"</th><th>"State"</th><th>"Pending"</th><th>"Delivered"</th><th>"Dead"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn StatusFilter(status: Option<String>) -> impl IntoView {
    let link = |value: Option<&'static str>, label: &'static str| {
        let href = match value {
            Some(v) => format!("/integrations?status={v}"),
            None => "/integrations".to_string(),
        };
        let current = status.as_deref() == value;
        view! { <a href=href aria-current=current.then_some("page")>{label}</a> }
    };
    view! {
        <nav class="tabs" aria-label="Delivery status">
            {link(None, "All")}
            {STATUSES.iter().map(|s| link(Some(s), s)).collect_view()}
        </nav>
    }
}

#[component]
fn Deliveries(list: Vec<DeliveryView>, status: Option<String>, actions: Actions) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">"No deliveries yet."</p> }.into_any();
    }
    let filter = status.map(|s| format!("status={s}&")).unwrap_or_default();
    let rows = list
        .into_iter()
        .map(|d| {
            let log = format!("/integrations?{filter}delivery={}", d.id);
            let next = (d.status == "pending").then(|| format!("next try {}", when(d.next_attempt_at)));
            view! {
                <tr data-status=d.status.clone()>
                    <td><a href=log><code>{d.id.clone()}</code></a></td>
                    <td>{d.subscription.clone()}</td>
                    <td><code>{d.kind.clone()}</code></td>
                    <td>{d.status.clone()} " " <span class="muted">{next}</span></td>
                    <td class="num">{d.attempts}</td>
                    <td>{d.last_code.map(|c| c.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td>{d.last_error.clone().unwrap_or_default()}</td>
                    <td>{when(d.created_at)}</td>
                    <td>
                        {(d.status != "pending").then(|| view! {
                            <ActionForm action=actions.replay attr:class="form inline">
                                <input type="hidden" name="id" value=d.id.clone()/>
                                <button type="submit" class="button secondary" aria-label=format!("Replay {}", d.id)>"Replay"</button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="deliveries">
            <thead><tr><th>"Delivery"</th><th>"Subscription"</th><th>"Event"</th><th>"Status"</th><th>"Attempts"</th><th>"Last code"</th><th>"Last error"</th><th>"Created"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn AttemptLog(id: String, log: Vec<AttemptView>) -> impl IntoView {
    let items = log
        .into_iter()
        .map(|a| {
            let headers = a
                .request_headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n");
            view! {
                <li>
                    <p>
                        <strong>{format!("Attempt {}", a.attempt)}</strong>
                        {format!(" at {}, {} ms: ", when(a.started_at), a.duration_ms)}
                        {a.status_code.map(|c| format!("HTTP {c}")).unwrap_or_else(|| "no response".into())}
                        {a.error.map(|e| format!(" ({e})"))}
                    </p>
                    <details>
                        <summary>"Request headers and response"</summary>
                        <pre>{headers}</pre>
                        <pre>{a.response_excerpt.unwrap_or_default()}</pre>
                    </details>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="attempts">
            <h3>"Attempts of " <code>{id}</code></h3>
            <ol>{items}</ol>
        </section>
    }
}

#[component]
fn Inbound(list: Vec<InboundView>, actions: Actions) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="muted">"No inbound sources yet."</p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|i| {
            view! {
                <tr>
                    <td>{i.source.clone()}</td>
                    <td><code>{format!("POST /hooks/inbound/{}", i.source)}</code></td>
                    <td class="num">{fmt_count(i.tickets)}</td>
                    <td>{when(i.created_at)}</td>
                    <td>
                        <ActionForm action=actions.remove_inbound attr:class="form inline">
                            <input type="hidden" name="source" value=i.source.clone()/>
                            <button type="submit" class="button secondary" aria-label=format!("Remove {}", i.source)>"Remove"</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="inbound">
            <thead><tr><th>"Source"</th><th>"Endpoint"</th><th>"Tickets"</th><th>"Created"</th><th></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
