//! The labelled sets and local models sections of the Evaluation page, with their admin forms.

use super::api::SetFromTickets;
use super::page::fmt_score;
use super::EvaluationOverview;
use crate::components::{fmt_count, fmt_time};
use leptos::prelude::*;

#[component]
pub fn Sets(d: EvaluationOverview) -> impl IntoView {
    let from_tickets = ServerAction::<SetFromTickets>::new();
    let sets = d
        .sets
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td>{s.name.clone()}</td>
                    <td>{s.origin.clone()}</td>
                    <td class="num">{fmt_count(s.items)}</td>
                    <td class="num">{fmt_count(s.negative)}</td>
                    <td class="num">{fmt_count(s.neutral)}</td>
                    <td class="num">{fmt_count(s.positive)}</td>
                </tr>
            }
        })
        .collect_view();
    let models = d
        .models
        .iter()
        .map(|m| {
            view! {
                <tr>
                    <td>{format!("v{}", m.version)}</td>
                    <td>{m.set_name.clone()}</td>
                    <td>{m.features.clone()}</td>
                    <td class="num">{fmt_count(m.train_size as i64)}</td>
                    <td class="num">{fmt_score(m.macro_f1)}</td>
                    <td class="nowrap">{fmt_time(&m.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let curve = d.models.first().and_then(|m| m.curve_svg.clone());
    view! {
        <section>
            <h2>"Labelled sets"</h2>
            <table class="grid" data-testid="sets">
                <thead><tr><th>"Set"</th><th>"From"</th><th>"Items"</th><th>"Negative"</th><th>"Neutral"</th><th>"Positive"</th></tr></thead>
                <tbody>{sets}</tbody>
            </table>
            {d.can_tune.then(|| view! {
                <div class="card">
                    <form method="post" action="/evaluation/sets/import" enctype="multipart/form-data" class="form row">
                        <label>"Set name" <input type="text" name="name" required maxlength="100"/></label>
                        <label>"CSV with text and label columns" <input type="file" name="file" accept=".csv,text/csv" required/></label>
                        <button type="submit">"Import labelled CSV"</button>
                    </form>
                    <ActionForm action=from_tickets attr:class="form row">
                        <label>"Set name" <input type="text" name="name" required maxlength="100" value="Demo tickets"/></label>
                        <label>"Tickets with a gold label" <input type="number" name="limit" min="1" max="100000" value="2000"/></label>
                        <button type="submit">"Build from tickets"</button>
                    </ActionForm>
                    <p class="muted">"Agents' corrections on ticket pages are collected in the set “Agent corrections”."</p>
                </div>
            })}
        </section>
        <section>
            <h2>"Local models"</h2>
            <table class="grid" data-testid="models">
                <thead><tr><th>"Version"</th><th>"Trained on"</th><th>"Features"</th><th>"Examples"</th><th>"Macro-F1 (test split)"</th><th>"Trained"</th></tr></thead>
                <tbody>{models}</tbody>
            </table>
            <super::training::TrainingCard/>
            {curve.map(|svg| view! { <figure class="chart small" data-testid="learning-curve" inner_html=svg></figure> })}
        </section>
    }
}
