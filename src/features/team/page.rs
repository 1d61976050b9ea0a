//! Team page view: queues with their assignment settings, agents with their load and capacity.

use super::api::{load_team, SaveQueue, SaveQueueHours, SetCapacity};
use super::{AgentView, QueueView, TeamPage as Team};
use crate::components::{action_error, loaded, textarea_text};
use crate::features::rules::HoursView;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TeamPage() -> impl IntoView {
    let save = ServerAction::<SaveQueue>::new();
    let capacity = ServerAction::<SetCapacity>::new();
    let hours = ServerAction::<SaveQueueHours>::new();
    let query = use_query_map();
    let team = Resource::new(
        move || {
            (
                save.version().get(),
                capacity.version().get(),
                hours.version().get(),
                query.get(),
            )
        },
        |_| load_team(),
    );
    view! {
        <h1>"Team"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {move || query.read().get("error").map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {action_error(save.value())}
        {action_error(capacity.value())}
        {action_error(hours.value())}
        {loaded(team, "Loading the team…", move |t| view! { <Body t save capacity hours/> })}
    }
}

#[component]
fn Body(
    t: Team,
    save: ServerAction<SaveQueue>,
    capacity: ServerAction<SetCapacity>,
    hours: ServerAction<SaveQueueHours>,
) -> impl IntoView {
    let zones = t
        .zones
        .iter()
        .map(|z| view! { <option value=z.clone()></option> })
        .collect_view();
    let agents = t.agents.clone();
    let queues = t
        .queues
        .into_iter()
        .map(|q| view! { <QueueRow q agents=agents.clone() policies=t.policies.clone() save hours/> })
        .collect_view();
    let people = t
        .agents
        .into_iter()
        .map(|a| view! { <AgentRow a capacity/> })
        .collect_view();
    view! {
        <section class="card" data-testid="queues">
            <h2>"Queues"</h2>
            <p class="muted">
                "Round-robin gives each available member the next ticket in turn; least-loaded gives it to the member with the fewest open escalations. "
                "Nobody is given more than their capacity: tickets wait in the queue until someone has room. A queue without members is worked by every agent."
            </p>
            <table class="grid">
                <thead><tr><th>"Queue"</th><th>"Open"</th><th>"Waiting"</th><th>"Assignment"</th><th>"SLA hours"</th></tr></thead>
                <tbody>{queues}</tbody>
            </table>
            <datalist id="queue-zones">{zones}</datalist>
            <h3>"Add a queue"</h3>
            <ActionForm action=save attr:class="form row" attr:data-testid="add-queue">
                <label>"Name" <input type="text" name="queue" required maxlength="100"/></label>
                <input type="hidden" name="policy" value="manual"/>
                <input type="hidden" name="away_policy" value="keep"/>
                <button type="submit">"Add queue"</button>
            </ActionForm>
        </section>
        <section class="card" data-testid="agents">
            <h2>"Agents"</h2>
            <table class="grid">
                <thead><tr><th>"Name"</th><th>"Role"</th><th>"Status"</th><th>"Open load"</th><th>"Capacity"</th></tr></thead>
                <tbody>{people}</tbody>
            </table>
        </section>
    }
}

#[component]
fn QueueRow(
    q: QueueView,
    agents: Vec<AgentView>,
    policies: Vec<(String, String)>,
    save: ServerAction<SaveQueue>,
    hours: ServerAction<SaveQueueHours>,
) -> impl IntoView {
    let hours_form = view! { <QueueHours name=q.name.clone() hours=q.hours.clone() action=hours/> };
    let policy_options = policies
        .into_iter()
        .map(|(name, label)| {
            let selected = name == q.policy;
            view! { <option value=name selected=selected>{label}</option> }
        })
        .collect_view();
    let managers = agents
        .iter()
        .filter(|a| a.role != "agent")
        .map(|a| {
            let selected = q.manager_id == Some(a.id);
            view! { <option value=a.id.to_string() selected=selected>{a.name.clone()}</option> }
        })
        .collect_view();
    let members = agents
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let checked = q.members.contains(&a.id);
            view! {
                <label class="check"><input type="checkbox" name=format!("members[{i}]") value=a.id.to_string() checked=checked/>{a.name.clone()}</label>
            }
        })
        .collect_view();
    let name = q.name.clone();
    view! {
        <tr data-testid="queue-row">
            <td>{q.name.clone()}</td>
            <td class="num">{q.open}</td>
            <td class="num">{q.waiting}</td>
            <td>
                <ActionForm action=save attr:class="form row">
                    <input type="hidden" name="queue" value=name.clone()/>
                    <label>"Policy" <select name="policy" aria-label=format!("Assignment in {name}")>{policy_options}</select></label>
                    <label>"When an agent is away"
                        <select name="away_policy">
                            <option value="keep" selected=q.away_policy == "keep">"they keep their tickets"</option>
                            <option value="hand_back" selected=q.away_policy == "hand_back">"their tickets go back to the queue"</option>
                        </select>
                    </label>
                    <label>"Manager"
                        <select name="manager_id" aria-label=format!("Manager of {name}")>
                            <option value="">"—"</option>
                            {managers}
                        </select>
                    </label>
                    <fieldset><legend>"Members"</legend>{members}</fieldset>
                    <button type="submit">"Save"</button>
                </ActionForm>
            </td>
            <td>{hours_form}</td>
        </tr>
    }
}

#[component]
fn AgentRow(a: AgentView, capacity: ServerAction<SetCapacity>) -> impl IntoView {
    let over = a.load > i64::from(a.capacity);
    view! {
        <tr data-testid="agent-row">
            <td>{a.name.clone()}</td>
            <td>{a.role.clone()}</td>
            <td>{if a.available { "available" } else { "away" }}</td>
            <td class="num" class:warning=over>{format!("{} / {}", a.load, a.capacity)}</td>
            <td>
                <ActionForm action=capacity attr:class="form inline">
                    <input type="hidden" name="user_id" value=a.id.to_string()/>
                    <input type="number" name="capacity" min="0" max="1000" value=a.capacity aria-label=format!("Capacity of {}", a.name)/>
                    <button type="submit">"Set"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A queue's SLA hours: the team's, or its own (zone, days, times, holidays).
#[component]
fn QueueHours(
    name: String,
    hours: Option<HoursView>,
    action: ServerAction<SaveQueueHours>,
) -> impl IntoView {
    let summary = match &hours {
        None => "the team's".to_string(),
        Some(h) => {
            let days: Vec<&str> = DAYS
                .iter()
                .zip(h.days)
                .filter_map(|(d, on)| on.then_some(*d))
                .collect();
            format!("{} · {} {}–{}", h.time_zone, days.join(" "), h.start, h.end)
        }
    };
    let own = hours.is_some();
    let h = hours.unwrap_or(HoursView {
        utc_offset_minutes: 0,
        time_zone: String::new(),
        days: [true, true, true, true, true, false, false],
        start: "09:00".into(),
        end: "17:00".into(),
        holidays: String::new(),
        zones: Vec::new(),
    });
    let days = DAYS
        .iter()
        .enumerate()
        .map(|(i, d)| view! {
            <label class="check"><input type="checkbox" name=format!("days[{i}]") value=i.to_string() checked=h.days[i]/>{*d}</label>
        })
        .collect_view();
    view! {
        <details data-testid="queue-hours">
            <summary>{summary}</summary>
            <ActionForm action=action attr:class="form">
                <input type="hidden" name="queue" value=name.clone()/>
                <label class="check"><input type="checkbox" name="own" value="yes" checked=own/>"Its own hours (otherwise the team's)"</label>
                <label>"Time zone" <input type="text" name="time_zone" value=h.time_zone list="queue-zones" placeholder="Asia/Tokyo" size="20" aria-label=format!("Time zone of {name}")/></label>
                <fieldset><legend>"Working days"</legend>{days}</fieldset>
                <label>"From" <input type="text" name="start" value=h.start size="5"/></label>
                <label>"to" <input type="text" name="end" value=h.end size="5"/></label>
                <label>"Holidays" <textarea name="holidays" rows="2" placeholder="2026-12-24">{textarea_text(h.holidays)}</textarea></label>
                <button type="submit">"Save hours"</button>
            </ActionForm>
        </details>
    }
}
