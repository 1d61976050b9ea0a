//! Categories page view: labelled data, training, models side by side, the selected model's details.

use super::api::{load_categories, ActivateCategoryModel, TrainCategories};
use super::{CategoriesOverview, CategoryModelView};
use crate::components::{action_error, fmt_count, fmt_time, loaded, Badge, ClassTable};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CategoriesPage() -> impl IntoView {
    let query = use_query_map();
    let model = move || {
        query
            .read()
            .get("model")
            .and_then(|v| v.parse::<i64>().ok())
    };
    // The `at` stamp of a redirect after an action reloads the page's data.
    let data = Resource::new(
        move || (model(), query.read().get("at")),
        |(m, _)| load_categories(m),
    );
    // While training runs, reload every two seconds (with JavaScript).
    Effect::new(move || {
        let training = data
            .get()
            .and_then(|r| r.ok())
            .is_some_and(|o| o.training > 0);
        if training {
            set_timeout(move || data.refetch(), std::time::Duration::from_secs(2));
        }
    });
    view! {
        <h1>"Categories"</h1>
        {move || query.read().get("ok").map(|m| view! { <p class="ok" role="status">{m}</p> })}
        {loaded(data, "Loading categories…", |o| view! { <Categories o/> })}
    }
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

#[component]
fn Categories(o: CategoriesOverview) -> impl IntoView {
    let train = ServerAction::<TrainCategories>::new();
    let engines = o
        .engines
        .iter()
        .map(|(value, label)| view! { <option value=value.clone()>{format!("{value} ({label})")}</option> })
        .collect_view();
    let status = match (o.training, &o.training_error) {
        (0, None) => None,
        (_, Some(e)) => Some(view! { <p class="error" role="alert">{format!("The last training failed: {e}")}</p> }.into_any()),
        (n, None) => Some(view! { <p class="muted" data-testid="training">{format!("{n} training job(s) waiting or running…")}</p> }.into_any()),
    };
    view! {
        <section class="card">
            <h2>"Train"</h2>
            <p class="muted" data-testid="labelled">{format!(
                "{} labelled tickets in {} categories (the imported or generated category, or an agent's correction). Training de-duplicates texts, holds out 20% of each category for testing and checks with 5-fold cross-validation whether the labels carry signal.",
                fmt_count(o.labelled), o.distinct
            )}</p>
            <ActionForm action=train attr:class="form row">
                <label>"Engine" <select name="engine">{engines}</select></label>
                <label>"Labels" <select name="source">
                    <option value="">"Every labelled ticket"</option>
                    {o.sources.iter().map(|(s, n)| view! { <option value=s.clone()>{format!("Source \"{s}\" ({})", fmt_count(*n))}</option> }).collect_view()}
                </select></label>
                <button type="submit">"Train a model"</button>
            </ActionForm>
            {action_error(train.value())}
            {status}
        </section>
        <Models models=o.models.clone() active=o.active/>
        {o.selected.clone().map(|m| view! { <Details m active=o.active/> })}
    }
}

#[component]
fn Models(models: Vec<CategoryModelView>, active: Option<i64>) -> impl IntoView {
    if models.is_empty() {
        return view! { <p class="muted">"No category model yet: train one above."</p> }.into_any();
    }
    let rows = models
        .into_iter()
        .map(|m| {
            let is_active = Some(m.id) == active;
            view! {
                <tr>
                    <td><a href=format!("/categories?model={}", m.id)>{format!("v{}", m.version)}</a>
                        {is_active.then(|| view! { " " <Badge kind="active" text="active"/> })}</td>
                    <td>{m.engine.clone()}</td>
                    <td>{m.source.clone().unwrap_or_else(|| "every labelled ticket".into())}</td>
                    <td class="num">{fmt_count(m.train_size.into())}</td>
                    <td class="num">{m.classes}</td>
                    <td class="num">{pct(m.accuracy)}</td>
                    <td class="num">{format!("{:.3}", m.macro_f1)}</td>
                    <td class="num">{format!("{} vs {}", pct(m.cv_accuracy), pct(m.majority_rate))}</td>
                    <td>{if m.has_signal { view! { <Badge kind="ok" text="signal"/> }.into_any() } else { view! { <Badge kind="warn" text="no signal"/> }.into_any() }}</td>
                    <td class="nowrap">{fmt_time(&m.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section>
            <h2>"Models"</h2>
            <table class="grid" data-testid="category-models">
                <thead><tr>
                    <th>"Version"</th><th>"Engine"</th><th>"Labels from"</th><th>"Trained on"</th><th>"Categories"</th>
                    <th>"Held-out accuracy"</th><th>"Macro-F1"</th><th>"Cross-validated vs majority"</th>
                    <th>"Labels"</th><th>"Trained"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn Details(m: CategoryModelView, active: Option<i64>) -> impl IntoView {
    let activate = ServerAction::<ActivateCategoryModel>::new();
    let is_active = Some(m.id) == active;
    view! {
        <section class="card" data-testid="category-model">
            <h2>{format!("Model v{} ({})", m.version, m.engine)}</h2>
            <p class=if m.has_signal { "ok" } else { "error" } data-testid="signal">{m.verdict.clone()}</p>
            <p class="muted">{format!(
                "Trained on {} tickets{}, tested on {} held-out tickets ({} duplicate texts dropped first). Accuracy {}, macro-F1 {:.3}, weighted F1 {:.3}.",
                fmt_count(m.train_size.into()), m.source.as_ref().map(|s| format!(" of the source \"{s}\"")).unwrap_or_default(), fmt_count(m.test_size.into()), fmt_count(m.duplicates.into()), pct(m.accuracy), m.macro_f1, m.weighted_f1
            )}</p>
            {if is_active {
                view! { <p><Badge kind="active" text="active"/> " New tickets are classified by this model."</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=activate attr:class="form row">
                        <input type="hidden" name="model_id" value=m.id/>
                        <button type="submit">{format!("Use v{} for tickets", m.version)}</button>
                    </ActionForm>
                    {action_error(activate.value())}
                }.into_any()
            }}
            <ClassTable classes=m.per_class.clone() label="Category" support="Held-out tickets" class="grid"/>
            {m.confusion_svg.clone().map(|svg| view! { <figure class="chart" data-testid="category-confusion" inner_html=svg></figure> })}
        </section>
    }
}
