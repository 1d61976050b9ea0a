//! The tuning job's progress bar, learning curve so far and cancel button on the Evaluation page.

use super::api::{load_training, CancelTraining};
use crate::components::loaded;
use crate::domain::training::{TrainingProgress, TrainingState};
use leptos::prelude::*;

/// The card, reloaded every two seconds while a tuning runs (with JavaScript) so the rest of the
/// page and its forms stay as they are.
#[component]
pub fn TrainingCard() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_training());
    Effect::new(move || {
        let running = data
            .get()
            .and_then(|r| r.ok())
            .and_then(|(p, _)| p)
            .is_some_and(|p| p.state == TrainingState::Running);
        if running {
            set_timeout(move || data.refetch(), std::time::Duration::from_secs(2));
        }
    });
    loaded(data, "Loading the tuning…", |(p, can_tune)| {
        p.map(|p| view! { <Training p can_tune/> })
    })
}

#[component]
fn Training(p: TrainingProgress, can_tune: bool) -> impl IntoView {
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
