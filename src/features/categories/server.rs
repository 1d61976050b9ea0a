//! Builds the Categories page from stored models: figures, signal verdicts, the confusion matrix.

use super::{CategoriesOverview, CategoryModelView};
use crate::domain::metrics::Metrics;
use crate::server::db;
use crate::server::db::categories::ModelRow;
use crate::server::jobs::train_category::TRAIN_CATEGORY;
use crate::server::pipeline::category::signal::SignalReport;
use crate::server::pipeline::category::CategoryEngine;
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
