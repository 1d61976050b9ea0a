//! Builds the Categories page from stored models: figures, signal verdicts, the confusion matrix.

use super::{CategoriesOverview, CategoryModelView};
use crate::domain::metrics::Metrics;
use crate::domain::role::CurrentUser;
use crate::error::AppError;
use crate::server::db;
use crate::server::db::categories::ModelRow;
use crate::server::jobs::categorise::enqueue_reclassify;
use crate::server::jobs::train_category::TRAIN_CATEGORY;
use crate::server::pipeline::category::signal::SignalReport;
use crate::server::pipeline::category::CategoryEngine;
use crate::server::state::AppState;
use sqlx::PgPool;

pub async fn overview(pool: &PgPool, model: Option<i64>) -> anyhow::Result<CategoriesOverview> {
    let (labelled, distinct) = db::categories::label_counts(pool).await?;
    let jobs = db::jobs::counts(pool, TRAIN_CATEGORY).await?;
    let active = db::categories::active(pool).await?;
    let rows = db::categories::list(pool).await?;
    let models: Vec<CategoryModelView> = rows
        .iter()
        .map(|r| view(r, false))
        .collect::<anyhow::Result<_>>()?;
    let wanted = model.or(active).or_else(|| rows.first().map(|r| r.id));
    let selected = rows
        .iter()
        .find(|r| Some(r.id) == wanted)
        .map(|r| view(r, true))
        .transpose()?;
    Ok(CategoriesOverview {
        labelled,
        distinct,
        training: jobs.queued + jobs.running,
        training_error: db::categories::last_training_error(pool).await?,
        active,
        engines: CategoryEngine::ALL
            .iter()
            .map(|e| (e.as_str().to_string(), e.describe().to_string()))
            .collect(),
        sources: db::categories::label_sources(pool).await?,
        models,
        selected,
    })
}

fn view(r: &ModelRow, with_chart: bool) -> anyhow::Result<CategoryModelView> {
    let metrics: Metrics = serde_json::from_value(r.metrics.clone())?;
    let signal: SignalReport = serde_json::from_value(r.signal.clone())?;
    let confusion_svg = with_chart.then(|| {
        let names: Vec<&str> = metrics.classes.iter().map(|c| c.label.as_str()).collect();
        crate::server::charts::confusion::confusion_svg(
            &names,
            &metrics.confusion,
            true,
            &format!("Category model v{}: share of each true category", r.version),
        )
    });
    Ok(CategoryModelView {
        id: r.id,
        version: r.version,
        engine: r.engine.clone(),
        created_at: r.created_at,
        source: r.source.clone(),
        train_size: r.train_size,
        test_size: r.test_size,
        duplicates: r.duplicates,
        classes: r.classes.0.len(),
        accuracy: metrics.accuracy,
        macro_f1: metrics.macro_f1,
        weighted_f1: metrics.weighted_f1,
        cv_accuracy: signal.accuracy,
        majority_rate: signal.majority_rate,
        has_signal: signal.has_signal,
        verdict: signal.verdict(),
        per_class: metrics.classes.clone(),
        confusion_svg,
    })
}

/// Queues training of one engine on the labelled tickets, or on those of one import source.
pub async fn train_categories(
    state: &AppState,
    user: &CurrentUser,
    engine: String,
    source: Option<String>,
) -> Result<(), AppError> {
    let engine = CategoryEngine::parse(&engine)
        .ok_or_else(|| AppError::Invalid("Unknown category engine.".into()).respond())?;
    let source = source.filter(|s| !s.trim().is_empty());
    if let Some(s) = &source {
        if !db::categories::source_has_labels(&state.pool, s).await? {
            return Err(AppError::Invalid(format!(
                "No ticket of the source {s:?} carries a category."
            ))
            .respond());
        }
    }
    db::jobs::enqueue(
        &state.pool,
        TRAIN_CATEGORY,
        &serde_json::json!({ "engine": engine.as_str(), "user_id": user.id, "source": source }),
        None,
    )
    .await?;
    tracing::info!(user = %user.email, engine = engine.as_str(), source = ?source, "category training queued");
    redirect_ok(
        "Training queued; the model appears below when it is done.",
        None,
    );
    Ok(())
}

/// Makes a model the one that classifies tickets, and re-classifies the analysed ones with it.
pub async fn activate_category_model(
    pool: &PgPool,
    user: &CurrentUser,
    model_id: i64,
) -> Result<(), AppError> {
    if db::categories::weights(pool, model_id).await?.is_none() {
        return Err(AppError::NotFound.respond());
    }
    let mut tx = pool.begin().await?;
    db::categories::activate(&mut *tx, model_id, Some(user.id)).await?;
    enqueue_reclassify(&mut *tx, model_id).await?;
    tx.commit().await?;
    tracing::info!(user = %user.email, model_id, "category model activated");
    redirect_ok(
        "Model activated; analysed tickets are being re-classified.",
        Some(model_id),
    );
    Ok(())
}

/// Records an agent's category for a ticket; it wins over the imported label in training.
pub async fn correct_category(
    state: &AppState,
    user: &CurrentUser,
    ticket_id: i64,
    category: String,
) -> Result<(), AppError> {
    let category = AppError::check_text(&category, 100, "A category needs 1 to 100 characters.")?;
    db::categories::correct(&state.pool, ticket_id, category, user.id).await?;
    tracing::info!(user = %user.email, ticket_id, category, "category corrected");
    leptos_axum::redirect(&format!(
        "/tickets/{ticket_id}?ok=Category+saved&at={}",
        chrono::Utc::now().timestamp_millis()
    ));
    Ok(())
}

fn redirect_ok(message: &str, model: Option<i64>) {
    // The stamp makes every redirect a new URL, so the page reloads its data each time.
    let model = model.map(|m| format!("&model={m}")).unwrap_or_default();
    leptos_axum::redirect(&format!(
        "/categories?ok={}{model}&at={}",
        crate::domain::url::encode(message),
        chrono::Utc::now().timestamp_millis()
    ));
}
