//! The Rules page's SLA settings: targets per priority and the team's business hours.

use super::api::{SaveHours, SaveSla};
use super::{HoursView, SlaRow};
use crate::components::action_error;
use leptos::prelude::*;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[component]
pub fn SlaSection(sla: Vec<SlaRow>, hours: HoursView) -> impl IntoView {
    let save = ServerAction::<SaveSla>::new();
    let save_hours = ServerAction::<SaveHours>::new();
    let rows = sla
        .into_iter()
        .map(|s| view! {
            <tr>
                <td>{s.priority.clone()}</td>
                <td colspan="4">
                    <ActionForm action=save attr:class="form row">
                        <input type="hidden" name="priority" value=s.priority.clone()/>
                        <label>"First response (min)" <input type="number" name="first_response_minutes" value=s.first_response_minutes min="1"/></label>
                        <label>"Resolution (min)" <input type="number" name="resolution_minutes" value=s.resolution_minutes min="1"/></label>
                        <label>"Next response (min)" <input type="number" name="next_response_minutes" value=s.next_response_minutes min="1"/></label>
                        <label class="check"><input type="checkbox" name="around_clock" checked=s.around_clock/>"around the clock"</label>
                        <button type="submit">"Save"</button>
                    </ActionForm>
                </td>
            </tr>
        })
        .collect_view();
    let days = DAYS
        .iter()
        .enumerate()
        .map(|(i, d)| view! {
            <label class="check"><input type="checkbox" name=format!("days[{i}]") value=i.to_string() checked=hours.days[i]/>{*d}</label>
        })
        .collect_view();
    view! {
        <section class="card" id="sla">
            <h2>"SLA policies"</h2>
            <p class="muted">"Due times count business hours unless a policy runs around the clock; breached tickets float to the top of the inbox."</p>
            <table class="grid">
                <thead><tr><th>"Priority"</th><th colspan="4">"Targets"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"Business hours"</h3>
            <ActionForm action=save_hours attr:class="form row">
                <fieldset><legend>"Working days"</legend>{days}</fieldset>
                <label>"From" <input type="text" name="start" value=hours.start.clone() size="5"/></label>
                <label>"to" <input type="text" name="end" value=hours.end.clone() size="5"/></label>
                <label>"UTC offset (minutes)" <input type="number" name="utc_offset_minutes" value=hours.utc_offset_minutes/></label>
                <button type="submit">"Save hours"</button>
            </ActionForm>
            {action_error(save.value())}
            {action_error(save_hours.value())}
        </section>
    }
}
