//! The run page: metrics table, confusion matrices, cost, and the misclassified items (which an admin can turn into few-shot examples).

use super::api::load_run;
use super::page::fmt_score;
use super::{Miss, RunDetail};
use crate::components::{fmt_count, loaded, ClassTable};
use crate::features::prompts::api::AddExample;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").and_then(|v| v.parse::<i64>().ok());
    let data = Resource::new(
        move || (id(), query.get()),
        |(id, _)| async move {
            match id {
                Some(id) => load_run(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    // While the run is in progress, reload it every second (with JavaScript).
    Effect::new(move || {
        let running = data
            .get()
            .and_then(|r| r.ok())
            .is_some_and(|r| matches!(r.summary.status.as_str(), "queued" | "running"));
        if running {
            set_timeout(move || data.refetch(), std::time::Duration::from_secs(1));
        }
    });
    view! {
        <p><a href="/evaluation">"← Evaluation"</a></p>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {loaded(data, "Loading run…", |r| view! { <Run r/> })}
    }
}

#[component]
fn Run(r: RunDetail) -> impl IntoView {
    let s = r.summary.clone();
    let running = matches!(s.status.as_str(), "queued" | "running");
    let per_item = if s.completed > 0 {
        r.latency_ms as f64 / s.completed as f64
    } else {
        0.0
    };
    let run_id = s.id;
    view! {
        <h1>{format!("Run #{}: {} on {}", s.id, s.engine, s.set_name)}</h1>
        <p class="muted">{format!("Version {} · {} of {} test items · {}", s.engine_version, s.completed, s.total, s.status)}</p>
        {running.then(|| view! { <p data-testid="run-progress">"Running… " <noscript><a href=format!("/evaluation/runs/{run_id}")>"Refresh"</a></noscript></p> })}
        {s.error.clone().map(|e| view! { <p class="error">"Failed: " {e}</p> })}
        {(!r.classes.is_empty()).then(|| view! {
            <section class="card">
                <h2>"Metrics"</h2>
                <p data-testid="run-metrics">
                    {format!("Accuracy {} · macro-F1 {} · weighted F1 {}", fmt_score(s.accuracy), fmt_score(s.macro_f1), fmt_score(r.weighted_f1))}
                </p>
                {r.follow_ups.map(|(n, accuracy, f1)| view! {
                    <p data-testid="run-follow-ups">
                        {format!("On follow-up messages ({n} items): accuracy {} · macro-F1 {}", fmt_score(Some(accuracy)), fmt_score(Some(f1)))}
                    </p>
                })}
                <ClassTable classes=r.classes.clone() label="Class" support="Support" class="grid compact"/>
                <p class="muted">
                    {format!("Latency {} ms in all ({per_item:.1} ms per item) · tokens {} in, {} out · {} items fell back to the offline engine",
                        fmt_count(r.latency_ms), fmt_count(r.prompt_tokens), fmt_count(r.completion_tokens), r.fallbacks)}
                </p>
            </section>
        })}
        {r.confusion_svg.clone().map(|svg| view! {
            <section class="charts pair">
                <figure class="chart" data-testid="confusion-counts" inner_html=svg></figure>
                <figure class="chart" data-testid="confusion-normalised" inner_html=r.normalised_svg.clone().unwrap_or_default()></figure>
            </section>
        })}
        {(!r.peers.is_empty()).then(|| view! {
            <form method="get" action="/evaluation/compare" class="form row">
                <input type="hidden" name="a" value=run_id/>
                <label>"Compare with" <select name="b">{r.peers.iter().map(|(id, l)| view! { <option value=*id>{l.clone()}</option> }).collect_view()}</select></label>
                <button type="submit">"Compare"</button>
            </form>
        })}
        <Misclassified items=r.misclassified.clone() can_tune=r.can_tune run_id/>
    }
}

/// The LLM's reason, or the words that pushed the prediction (valences for the lexicon, pushes
/// toward the predicted label for a local model).
fn why(m: &Miss) -> String {
    if let Some(reason) = &m.reason {
        return reason.clone();
    }
    m.evidence
        .iter()
        .map(|e| {
            let negated = if e.negated { " (negated)" } else { "" };
            format!("{} {:+.2}{negated}", e.term, e.weight)
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[component]
fn Misclassified(items: Vec<Miss>, can_tune: bool, run_id: i64) -> impl IntoView {
    let add = ServerAction::<AddExample>::new();
    let count = items.len();
    let rows = items
        .into_iter()
        .map(|m| {
            view! {
                <tr>
                    <td class="text">{m.text.clone()}</td>
                    <td>{m.gold.clone()}</td>
                    <td>{m.predicted.clone()}</td>
                    <td class="num">{format!("{:+.2}", m.score)}</td>
                    <td><small>{why(&m)}</small></td>
                    {can_tune.then(|| view! {
                        <td>
                            <ActionForm action=add attr:class="inline">
                                <input type="hidden" name="text" value=m.text.clone()/>
                                <input type="hidden" name="label" value=m.gold.clone()/>
                                <input type="hidden" name="source_run_id" value=run_id/>
                                <button type="submit" class="link">"Add as few-shot example"</button>
                            </ActionForm>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section>
            <h2>{format!("Misclassified items ({count})")}</h2>
            <table class="grid" data-testid="misclassified">
                <thead><tr><th>"Text"</th><th>"Gold"</th><th>"Predicted"</th><th>"Score"</th><th>"Why"</th>{can_tune.then(|| view! { <th>""</th> })}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
