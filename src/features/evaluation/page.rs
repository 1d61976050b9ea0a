//! The Evaluation page: the active engine, evaluation runs, labelled sets and local models.

use super::api::{load_evaluation, ActivateEngine, StartRun, TrainModel};
use super::{EvaluationOverview, RunSummary};
use crate::components::{fmt_count, fmt_time, loaded};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `0.734` or a dash.
pub fn fmt_score(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into())
}

#[component]
pub fn EvaluationPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.get(), |_| load_evaluation());
    view! {
        <h1>"Evaluation"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {move || query.read().get("error").map(|m| view! { <p class="error" role="alert">{m}</p> })}
        {loaded(data, "Loading evaluation…", |d| view! { <Overview d/> })}
        <crate::features::drafts::acceptance::DraftAcceptance/>
    }
}

#[component]
fn Overview(d: EvaluationOverview) -> impl IntoView {
    let can_tune = d.can_tune;
    let (queued, done, failed) = d.analysis;
    let active_label = d
        .options
        .iter()
        .find(|o| o.value == d.active)
        .map(|o| o.label.clone())
        .unwrap_or_else(|| d.active.clone());
    let runs_for_compare = d
        .runs
        .iter()
        .filter(|r| r.status == "done")
        .cloned()
        .collect::<Vec<_>>();
    view! {
        <section class="card">
            <h2>"Active sentiment engine"</h2>
            <p data-testid="active-engine">{active_label}</p>
            <p class="muted">
                {format!("Ticket analysis: {} done, {} waiting, {} failed. ", fmt_count(done), fmt_count(queued), fmt_count(failed))}
                {match d.llm.clone() {
                    Some(llm) => format!("LLM provider: {llm}."),
                    None => "No LLM provider configured: the LLM engine is unavailable, everything else works offline.".to_string(),
                }}
            </p>
            {d.rescore.as_ref().map(|r| view! { <p class="muted" data-testid="rescore">{r.sentence()}</p> })}
            {can_tune.then(|| view! { <ActivateForm options=d.options.clone() active=d.active.clone()/> })}
        </section>
        <section>
            <h2>"Evaluation runs"</h2>
            <RunTable runs=d.runs.clone()/>
            {(runs_for_compare.len() >= 2).then(|| view! { <CompareForm runs=runs_for_compare/> })}
        </section>
        {can_tune.then(|| view! { <StartForm d=d.clone()/> })}
        <super::sets::Sets d=d.clone()/>
    }
}

#[component]
fn ActivateForm(options: Vec<super::EngineOption>, active: String) -> impl IntoView {
    let activate = ServerAction::<ActivateEngine>::new();
    let warnings: Vec<String> = options
        .iter()
        .filter_map(|o| {
            o.versus
                .as_ref()
                .filter(|v| v.worse())
                .map(|v| v.sentence(&o.label))
        })
        .collect();
    view! {
        {(!warnings.is_empty()).then(|| view! {
            <div class="warning" data-testid="worse-than-active">
                <strong>"Worse than the active engine on the gold set"</strong>
                <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
            </div>
        })}
        <ActionForm action=activate attr:class="form row">
            <label>"Score new tickets with"
                <select name="engine">
                    {options.into_iter().map(|o| {
                        let worse = o.versus.as_ref().is_some_and(super::Versus::worse);
                        let label = format!(
                            "{} (macro-F1 {}){}",
                            o.label,
                            fmt_score(o.macro_f1),
                            if worse { " — worse than active" } else { "" }
                        );
                        view! { <option value=o.value.clone() selected=o.value == active>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="check"><input type="checkbox" name="force" value="true"/>" Even if worse"</label>
            <input type="hidden" name="back" value="/evaluation"/>
            <button type="submit">"Make active"</button>
        </ActionForm>
    }
}

#[component]
pub fn RunTable(runs: Vec<RunSummary>) -> impl IntoView {
    let rows = runs
        .into_iter()
        .map(|r| {
            let state = match r.status.as_str() {
                "done" => "done".to_string(),
                "failed" => "failed".to_string(),
                s => format!("{s} {}/{}", r.completed, r.total),
            };
            view! {
                <tr>
                    <td><a href=format!("/evaluation/runs/{}", r.id)>{format!("#{}", r.id)}</a></td>
                    <td>{r.set_name}</td>
                    <td>{r.engine}</td>
                    <td><small>{r.engine_version}</small></td>
                    <td>{state}</td>
                    <td class="num">{fmt_score(r.accuracy)}</td>
                    <td class="num">{fmt_score(r.macro_f1)}</td>
                    <td class="nowrap">{fmt_time(&r.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="grid" data-testid="runs">
            <thead><tr><th>"Run"</th><th>"Set"</th><th>"Engine"</th><th>"Version"</th><th>"State"</th><th>"Accuracy"</th><th>"Macro-F1"</th><th>"Started"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn CompareForm(runs: Vec<RunSummary>) -> impl IntoView {
    let options = move |selected: usize| {
        runs.iter()
            .enumerate()
            .map(|(i, r)| view! { <option value=r.id selected=i == selected>{format!("#{} {} {}", r.id, r.engine, r.set_name)}</option> })
            .collect_view()
    };
    view! {
        <form method="get" action="/evaluation/compare" class="form row">
            <label>"Compare run" <select name="a">{options(1)}</select></label>
            <label>"with run" <select name="b">{options(0)}</select></label>
            <button type="submit">"Compare"</button>
        </form>
    }
}

#[component]
fn StartForm(d: EvaluationOverview) -> impl IntoView {
    let start = ServerAction::<StartRun>::new();
    let train = ServerAction::<TrainModel>::new();
    let set_list = d.sets.clone();
    let sets = move || {
        set_list
            .iter()
            .map(|s| view! { <option value=s.id>{format!("{} ({} items)", s.name, s.items)}</option> })
            .collect_view()
    };
    let (sets_for_run, sets_for_training) = (sets(), sets());
    let engines = d
        .options
        .iter()
        .map(|o| view! { <option value=o.value.clone()>{o.label.clone()}</option> })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Evaluate or train"</h2>
            <p class="muted">"Runs use the test split (20% of every class, fixed by item) of the set; training uses the rest."</p>
            <ActionForm action=start attr:class="form row">
                <label>"Labelled set" <select name="set_id">{sets_for_run}</select></label>
                <label>"Engine" <select name="engine">{engines}</select></label>
                <button type="submit">"Run evaluation"</button>
            </ActionForm>
            <ActionForm action=train attr:class="form row">
                <label>"Labelled set" <select name="set_id">{sets_for_training}</select></label>
                <label>"Features"
                    <select name="features">
                        <option value="tuned">"Tuned encoder + TF-IDF n-grams (fine-tunes the model on this set)"</option>
                        <option value="both">"Embedding + TF-IDF n-grams"</option>
                        <option value="embedding">"Embedding only"</option>
                        <option value="tfidf">"TF-IDF n-grams only"</option>
                    </select>
                </label>
                <label>"Tuning pairs"
                    <input type="number" name="pairs" min="10" max="100000" placeholder="2000" title="Pairs of examples the tuned encoder learns from; fewer train faster"/>
                </label>
                <label class="check" title="Tunes once more at each of 48, 96, 192, 500, 1,000 and 2,000 examples the train split holds twice over">
                    <input type="checkbox" name="curve" value="true"/>" Learning curve"
                </label>
                <button type="submit">"Train local model"</button>
            </ActionForm>
        </section>
    }
}
