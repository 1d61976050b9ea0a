//! The tuning job's progress bar, learning curve so far and cancel button on the Evaluation page.

use super::api::CancelTraining;
use crate::domain::training::{TrainingProgress, TrainingState};
use leptos::prelude::*;

#[component]
pub fn Training(p: TrainingProgress, can_tune: bool) -> impl IntoView {
    let cancel = ServerAction::<CancelTraining>::new();
    let running = p.state == TrainingState::Running;
    let percent = (p.fraction() * 100.0).round();
    let curve = p
        .curve
        .iter()
        .map(|(n, f1)| view! { <li>{format!("{n} examples: macro-F1 {f1:.3}")}</li> })
        .collect_view();
    view! {
        <div class="card" data-testid="training" data-state=format!("{:?}", p.state).to_lowercase()>
            <p>{p.sentence()}</p>
            {running.then(|| view! {
                <progress max="100" value=percent aria-label="Tuning progress">{format!("{percent}%")}</progress>
            })}
            {(!p.curve.is_empty()).then(|| view! {
                <p class="muted">"Learning curve so far (test split):"</p>
                <ul data-testid="training-curve">{curve}</ul>
            })}
            {(running && can_tune).then(|| view! {
                <ActionForm action=cancel attr:class="form row">
                    <input type="hidden" name="job_id" value=p.job_id/>
                    <button type="submit">"Cancel tuning"</button>
                </ActionForm>
            })}
        </div>
    }
}
