//! The Rules page's SLA settings: targets per priority and the team's business hours.

use super::api::{SaveHours, SaveSla};
use super::{HoursView, SlaRow};
use crate::components::{action_error, textarea_text};
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
    let zones = hours
        .zones
        .iter()
        .map(|z| view! { <option value=z.clone()></option> })
        .collect_view();
    view! {
        <section class="card" id="sla">
            <h2>"SLA policies"</h2>
            <p class="muted">"Due times count business hours unless a policy runs around the clock; breached tickets float to the top of the inbox. Hours are read in the named time zone, daylight saving included; holidays have no business hours."</p>
            <table class="grid">
                <thead><tr><th>"Priority"</th><th colspan="4">"Targets"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"Business hours"</h3>
            <ActionForm action=save_hours attr:class="form row">
                <fieldset><legend>"Working days"</legend>{days}</fieldset>
                <label>"From" <input type="text" name="start" value=hours.start.clone() size="5"/></label>
                <label>"to" <input type="text" name="end" value=hours.end.clone() size="5"/></label>
                <label>"Time zone" <input type="text" name="time_zone" value=hours.time_zone.clone() list="time-zones" placeholder="Europe/Berlin" size="22"/></label>
                <datalist id="time-zones">{zones}</datalist>
                <label>"UTC offset (minutes, without a zone)" <input type="number" name="utc_offset_minutes" value=hours.utc_offset_minutes/></label>
                <label>"Holidays (dates, or paste a CSV or iCalendar file; recurring events are listed for this year and the next)"
                    <textarea name="holidays" rows="4" placeholder="2026-12-24">{textarea_text(hours.holidays.clone())}</textarea>
                </label>
                <button type="submit">"Save hours"</button>
            </ActionForm>
            {action_error(save.value())}
            {action_error(save_hours.value())}
        </section>
    }
}
