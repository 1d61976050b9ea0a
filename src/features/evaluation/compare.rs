//! Two runs side by side: per-class F1 and its deltas, and the items whose prediction changed.

use super::api::compare_runs;
use super::page::{fmt_score, RunTable};
use super::Comparison;
use crate::components::loaded;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ComparePage() -> impl IntoView {
    let query = use_query_map();
    let ids = move || {
        let q = query.read();
        let id = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
        id("a").zip(id("b"))
    };
    let data = Resource::new(ids, |ids| async move {
        match ids {
            Some((a, b)) => compare_runs(a, b).await,
            None => Err(crate::error::AppError::Invalid(
                "Choose two runs to compare.".into(),
            )),
        }
    });
    view! {
        <p><a href="/evaluation">"← Evaluation"</a></p>
        <h1>"Compare runs"</h1>
        {loaded(data, "Loading runs…", |c| view! { <Compared c/> })}
    }
}

fn delta(v: f64) -> String {
    format!("{v:+.3}")
}

#[component]
fn Compared(c: Comparison) -> impl IntoView {
    let classes = c
        .classes
        .iter()
        .map(|d| {
            let class = if d.f1_delta > 0.0005 {
                "up"
            } else if d.f1_delta < -0.0005 {
                "down"
            } else {
                ""
            };
            view! {
                <tr>
                    <td>{d.label.clone()}</td>
                    <td class="num">{format!("{:.3}", d.f1_a)}</td>
                    <td class="num">{format!("{:.3}", d.f1_b)}</td>
                    <td class=format!("num {class}")>{delta(d.f1_delta)}</td>
                    <td class="num">{delta(d.precision_delta)}</td>
                    <td class="num">{delta(d.recall_delta)}</td>
                </tr>
            }
        })
        .collect_view();
    let changed = c
        .changed
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td class="text">{i.text.clone()}</td>
                    <td>{i.gold.clone()}</td>
                    <td class=if i.a == i.gold { "right" } else { "wrong" }>{i.a.clone()}</td>
                    <td class=if i.b == i.gold { "right" } else { "wrong" }>{i.b.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let macro_line = format!(
        "Macro-F1: run #{} {} → run #{} {}",
        c.a.id,
        fmt_score(c.a.macro_f1),
        c.b.id,
        fmt_score(c.b.macro_f1)
    );
    view! {
        <RunTable runs=vec![c.a.clone(), c.b.clone()]/>
        <section class="card">
            <h2>"Per class"</h2>
            <p data-testid="compare-macro">{macro_line}</p>
            <table class="grid compact">
                <thead><tr><th>"Class"</th><th>{format!("F1 #{}", c.a.id)}</th><th>{format!("F1 #{}", c.b.id)}</th><th>"Δ F1"</th><th>"Δ precision"</th><th>"Δ recall"</th></tr></thead>
                <tbody>{classes}</tbody>
            </table>
        </section>
        <section>
            <h2>{format!("Items whose prediction changed ({})", c.changed_total)}</h2>
            <table class="grid" data-testid="changed">
                <thead><tr><th>"Text"</th><th>"Gold"</th><th>{format!("Run #{}", c.a.id)}</th><th>{format!("Run #{}", c.b.id)}</th></tr></thead>
                <tbody>{changed}</tbody>
            </table>
        </section>
    }
}
