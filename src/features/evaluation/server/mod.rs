//! Server-side assembly of the Evaluation area's data, callable from server functions and tests.

pub mod compare;
pub mod training;
pub mod upload;

use super::*;
use crate::domain::metrics::Metrics;
use crate::domain::role::CurrentUser;
use crate::domain::{EngineChoice, EngineKind};
use crate::error::AppError;
use crate::server::db::evaluations::RunRow;
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::local::LocalModel;
use crate::server::pipeline::sentiment::{engine, explain};
use crate::server::state::AppState;
use crate::server::{db, jobs};
use sqlx::PgPool;

/// A message safe to show: our own explanations pass, database and I/O details stay in the log.
pub fn user_message(e: &anyhow::Error) -> String {
    let internal = e.chain().any(|c| {
        c.downcast_ref::<sqlx::Error>().is_some() || c.downcast_ref::<std::io::Error>().is_some()
    });
    if internal {
        "Something went wrong on the server; the details are in its log.".into()
    } else {
        let text = e.to_string();
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".")
            .unwrap_or_default()
    }
}

fn metric(m: &Option<serde_json::Value>, key: &str) -> Option<f64> {
    m.as_ref().and_then(|m| m.get(key)).and_then(|v| v.as_f64())
}

pub fn summary(r: &RunRow) -> RunSummary {
    RunSummary {
        id: r.id,
        set_name: r.set_name.clone(),
        engine: r.engine.clone(),
        engine_version: r.engine_version.clone(),
        status: r.status.clone(),
        total: r.total,
        completed: r.completed,
        accuracy: metric(&r.metrics, "accuracy"),
        macro_f1: metric(&r.metrics, "macro_f1"),
        error: r.error.clone(),
        created_at: r.created_at,
    }
}

/// Every engine choice an admin can activate, with the best macro-F1 of its finished runs and how
/// it compares with the active engine.
pub async fn engine_options(state: &AppState) -> anyhow::Result<Vec<EngineOption>> {
    let runs = db::evaluations::list(&state.pool, 500).await?;
    let active = engine::active_choice(&state.pool).await?;
    let best = |pred: &dyn Fn(&RunRow) -> bool| {
        runs.iter()
            .filter(|r| r.status == "done" && pred(r))
            .filter_map(|r| metric(&r.metrics, "macro_f1"))
            .fold(None, |acc: Option<f64>, f| {
                Some(acc.map_or(f, |a| a.max(f)))
            })
    };
    let option = |value: String, label: String| {
        let choice = super::parse_choice(&value)?;
        let of_choice = |r: &RunRow| runs_of(choice, r);
        Some(EngineOption {
            macro_f1: best(&of_choice),
            versus: (choice != active)
                .then(|| versus(&runs, choice, active))
                .flatten(),
            value,
            label,
        })
    };
    let mut options: Vec<EngineOption> = Vec::new();
    options.extend(option("lexicon".into(), EngineKind::Lexicon.title().into()));
    for m in db::models::list(&state.pool).await? {
        options.extend(option(
            format!("local:{}", m.id),
            format!(
                "Local model v{} ({}, {})",
                m.version, m.features, m.set_name
            ),
        ));
    }
    if let Some(client) = &state.jobs.llm {
        for p in db::prompts::list(&state.pool, engine::TASK).await? {
            options.extend(option(
                format!("llm:{}", p.id),
                format!("LLM {} · prompt v{}", client.describe(), p.version),
            ));
        }
    }
    Ok(options)
}

/// Whether run `r` evaluated `choice` (a local choice without a model: any local model).
fn runs_of(choice: EngineChoice, r: &RunRow) -> bool {
    r.engine == choice.kind.as_str()
        && match choice.kind {
            EngineKind::Lexicon => true,
            EngineKind::Local => choice.model_id.is_none_or(|id| r.model_id == Some(id)),
            EngineKind::Llm => choice.prompt_id.is_none_or(|id| r.prompt_id == Some(id)),
        }
}

/// The candidate's newest finished run on a set the active engine also has a finished run on,
/// against the active engine's newest run there (`runs` come newest first).
fn versus(runs: &[RunRow], candidate: EngineChoice, active: EngineChoice) -> Option<Versus> {
    let done = |r: &&RunRow| r.status == "done";
    runs.iter()
        .filter(done)
        .filter(|r| runs_of(candidate, r))
        .find_map(|c| {
            let a = runs
                .iter()
                .filter(done)
                .find(|r| r.set_id == c.set_id && runs_of(active, r))?;
            Some(Versus {
                set_name: c.set_name.clone(),
                candidate: metric(&c.metrics, "macro_f1")?,
                active: metric(&a.metrics, "macro_f1")?,
            })
        })
}

fn curve_svg(m: &db::models::ModelRow) -> Option<String> {
    let points: Vec<(usize, f64)> = serde_json::from_value(m.curve.clone()?).ok()?;
    let title = format!("Learning curve of local model v{}", m.version);
    crate::server::charts::curve::learning_curve(&points, &title)
        .map_err(|e| tracing::error!(error = %e, "learning curve chart failed"))
        .ok()
}

pub async fn overview(state: &AppState, can_tune: bool) -> anyhow::Result<EvaluationOverview> {
    let pool = &state.pool;
    let runs = db::evaluations::list(pool, 50)
        .await?
        .iter()
        .map(summary)
        .collect();
    let sets = db::labelled::list(pool)
        .await?
        .into_iter()
        .map(|s| SetSummary {
            id: s.id,
            name: s.name,
            origin: s.origin,
            items: s.items,
            negative: s.negative,
            neutral: s.neutral,
            positive: s.positive,
        })
        .collect();
    let models = db::models::list(pool)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, m)| ModelSummary {
            curve_svg: (i == 0).then(|| curve_svg(&m)).flatten(),
            macro_f1: metric(&m.metrics, "macro_f1"),
            id: m.id,
            version: m.version,
            set_name: m.set_name,
            features: m.features,
            train_size: m.train_size,
            created_at: m.created_at,
        })
        .collect();
    let active = engine::active_choice(pool).await?;
    let jobs = db::jobs::counts(pool, crate::server::jobs::ANALYSE).await?;
    Ok(EvaluationOverview {
        runs,
        sets,
        models,
        options: engine_options(state).await?,
        active: choice_value(&active),
        llm: state.jobs.llm.as_ref().map(|c| c.describe()),
        can_tune,
        analysis: (jobs.queued + jobs.running, jobs.done, jobs.failed),
        rescore: db::rescore::progress(pool).await?.map(|p| Rescore {
            version: p.version,
            done: p.done,
            total: p.total,
            finished: p.finished,
        }),
    })
}

pub async fn run_detail(
    pool: &PgPool,
    id: i64,
    can_tune: bool,
) -> anyhow::Result<Option<RunDetail>> {
    let Some(run) = db::evaluations::get(pool, id).await? else {
        return Ok(None);
    };
    let metrics: Option<Metrics> = run
        .metrics
        .clone()
        .and_then(|m| serde_json::from_value(m).ok());
    let names = sets::class_names();
    let (classes, confusion_svg, normalised_svg, weighted_f1) = match &metrics {
        Some(m) => (
            m.classes.clone(),
            Some(crate::server::charts::confusion::confusion_svg(
                &names,
                &m.confusion,
                false,
                &format!("Confusion matrix of run {id}, counts"),
            )),
            Some(crate::server::charts::confusion::confusion_svg(
                &names,
                &m.confusion,
                true,
                &format!("Confusion matrix of run {id}, share of each gold class"),
            )),
            Some(m.weighted_f1),
        ),
        None => (Vec::new(), None, None, None),
    };
    let model = match run.model_id {
        Some(model_id) => db::models::weights(pool, model_id)
            .await?
            .and_then(|v| serde_json::from_value::<LocalModel>(v).ok()),
        None => None,
    };
    let misclassified = db::evaluations::predictions(pool, id)
        .await?
        .into_iter()
        .filter(|p| p.gold != p.predicted)
        .take(200)
        .map(|p| {
            let label = crate::domain::SentimentLabel::parse(&p.predicted);
            let evidence = match (run.engine.as_str(), label, &model) {
                ("lexicon", _, _) => explain::lexicon_evidence(&p.text),
                ("local", Some(label), Some(model)) => {
                    explain::model_evidence(model, &p.text, label)
                }
                _ => Vec::new(),
            };
            Miss {
                item_id: p.item_id,
                text: p.text,
                gold: p.gold,
                predicted: p.predicted,
                score: p.score,
                evidence,
                reason: p.reason,
            }
        })
        .collect();
    let peers = db::evaluations::list(pool, 200)
        .await?
        .into_iter()
        .filter(|r| r.set_id == run.set_id && r.id != id && r.status == "done")
        .map(|r| (r.id, format!("#{} {} {}", r.id, r.engine, r.engine_version)))
        .collect();
    let follow_ups = run
        .follow_up_metrics
        .clone()
        .and_then(|m| serde_json::from_value::<Metrics>(m).ok())
        .map(|m| (m.total, m.accuracy, m.macro_f1));
    Ok(Some(RunDetail {
        summary: summary(&run),
        classes,
        weighted_f1,
        follow_ups,
        confusion_svg,
        normalised_svg,
        latency_ms: run.latency_ms,
        prompt_tokens: run.prompt_tokens,
        completion_tokens: run.completion_tokens,
        fallbacks: run.fallbacks,
        misclassified,
        can_tune,
        peers,
    }))
}

/// Queues an evaluation run and opens its page.
pub async fn start_run(
    state: &AppState,
    user: &CurrentUser,
    set_id: i64,
    engine: String,
) -> Result<(), AppError> {
    let choice =
        super::parse_choice(&engine).ok_or_else(|| AppError::Invalid("Unknown engine.".into()))?;
    match jobs::runs::start(&state.jobs, set_id, choice, Some(user.id)).await {
        Ok(id) => leptos_axum::redirect(&format!("/evaluation/runs/{id}")),
        Err(e) => back_with_error(&e),
    }
    Ok(())
}

/// Makes an engine the one new tickets are scored with. Models and prompt versions qualify only
/// once they have a finished evaluation run.
pub async fn activate_engine(
    state: &AppState,
    user: &CurrentUser,
    engine: String,
    back: Option<String>,
    force: bool,
) -> Result<(), AppError> {
    let choice =
        super::parse_choice(&engine).ok_or_else(|| AppError::Invalid("Unknown engine.".into()))?;
    let back = match back.as_deref() {
        Some("/prompts") => "/prompts",
        _ => "/evaluation",
    };
    let options = engine_options(state).await?;
    let evaluated = options
        .iter()
        .any(|o| o.value == engine && (o.macro_f1.is_some() || engine == "lexicon"));
    if !evaluated {
        leptos_axum::redirect(&format!(
            "{back}?error={}",
            crate::domain::url::encode(
                "Run an evaluation of this version on a gold set before making it active."
            )
        ));
        return Ok(());
    }
    let worse = options
        .iter()
        .find(|o| o.value == engine)
        .and_then(|o| Some((o.label.clone(), o.versus.clone().filter(Versus::worse)?)));
    if let (Some((label, versus)), false) = (worse, force) {
        leptos_axum::redirect(&format!(
            "{back}?error={}",
            crate::domain::url::encode(&format!(
                "{} Tick \"Even if worse\" to make it active anyway.",
                versus.sentence(&label)
            ))
        ));
        return Ok(());
    }
    db::app_settings::set(
        &state.pool,
        db::app_settings::ACTIVE_SENTIMENT,
        &choice,
        Some(user.id),
    )
    .await?;
    jobs::rescore::enqueue(&state.pool).await?;
    tracing::info!(admin = %user.email, engine, "active sentiment engine changed");
    leptos_axum::redirect(&format!(
        "{back}?ok={}",
        crate::domain::url::encode(
            "New tickets are now scored with this engine; stored tickets are being rescored, \
             newest first."
        )
    ));
    Ok(())
}

/// Creates a labelled set from imported tickets that carry a gold sentiment.
pub async fn set_from_tickets(
    state: &AppState,
    user: &CurrentUser,
    name: String,
    limit: i64,
) -> Result<(), AppError> {
    let name = AppError::check_text(&name, 100, "Give the set a name of up to 100 characters.")?;
    let pool = &state.pool;
    let set_id = db::labelled::ensure(pool, name, "tickets", Some(user.id)).await?;
    let added =
        db::labelled::add_from_tickets(pool, set_id, limit.clamp(1, 100_000), Some(user.id))
            .await?;
    leptos_axum::redirect(&format!(
        "/evaluation?ok={}",
        crate::domain::url::encode(&format!("{added} tickets added to {name}."))
    ));
    Ok(())
}

fn back_with_error(e: &anyhow::Error) {
    tracing::warn!(error = ?e, "evaluation request refused");
    leptos_axum::redirect(&format!(
        "/evaluation?error={}",
        crate::domain::url::encode(&user_message(e))
    ));
}
