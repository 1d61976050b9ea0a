//! The training job: fits a local sentiment model on a set's train split, measures it on the test split, stores it as the next version and queues its evaluation run.

use super::train_tuned::{self, TuneJob};
use super::{first_model, runs, JobContext};
use crate::domain::metrics::Metrics;
use crate::domain::training::TrainingState;
use crate::domain::{EngineChoice, SentimentLabel};
use crate::server::db;
use crate::server::db::labelled::Item;
use crate::server::db::models::NewModel;
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::class_index;
use crate::server::pipeline::sentiment::local::{
    learning_curve, Features, LocalModel, TrainExample, TrainOptions,
};

/// Training-set sizes of the learning curve (those up to half the train split are used).
const CURVE_SIZES: [usize; 6] = [50, 100, 200, 400, 800, 1600];
use anyhow::Context;

/// The feature choice that tunes the encoder's top layers before fitting the head.
pub const TUNED: &str = "tuned";

/// Parses the feature choice offered on the page and the CLI.
pub fn parse_features(text: &str) -> Option<Features> {
    match text {
        "both" => Some(Features::Both),
        "embedding" => Some(Features::Embedding),
        "tfidf" => Some(Features::Tfidf),
        _ => None,
    }
}

/// Examples for training or testing, with their embeddings when the features need them.
pub async fn examples(
    ctx: &JobContext,
    items: &[&Item],
    features: Features,
) -> anyhow::Result<Vec<TrainExample>> {
    let embeddings: Vec<Option<Vec<f32>>> = if matches!(features, Features::Tfidf) {
        vec![None; items.len()]
    } else {
        super::embeddings::for_items(ctx, items)
            .await?
            .into_iter()
            .map(Some)
            .collect()
    };
    items
        .iter()
        .zip(embeddings)
        .map(|(i, embedding)| {
            Ok(TrainExample {
                text: i.text.clone(),
                embedding,
                label: SentimentLabel::parse(&i.label).context("bad stored label")?,
            })
        })
        .collect()
}

/// What a training job was asked for.
pub struct TrainJob<'a> {
    pub job_id: i64,
    pub set_id: i64,
    pub features: &'a str,
    /// Tuning pairs instead of the recipe's.
    pub pairs: Option<usize>,
    /// Tuning: measure the learning curve first.
    pub curve: bool,
    /// The demo's first model: made active when it beats the lexicon.
    pub auto_activate: bool,
    pub user_id: Option<i64>,
}

/// Trains, stores and queues the evaluation; returns the new model's id, or `None` when an admin
/// cancelled the tuning.
#[tracing::instrument(skip_all, fields(set_id = job.set_id))]
pub async fn run(ctx: &JobContext, job: &TrainJob<'_>) -> anyhow::Result<Option<i64>> {
    let (set_id, features_name, user_id) = (job.set_id, job.features, job.user_id);
    let set = db::labelled::get(&ctx.pool, set_id)
        .await?
        .context("the labelled set no longer exists")?;
    let items = db::labelled::items(&ctx.pool, set_id).await?;
    let (train, test) = sets::split(&items);
    if features_name == TUNED {
        return run_tuned(ctx, job, &set.name, &train, &test).await;
    }
    let features = parse_features(features_name).context("unknown feature set")?;
    let train_examples = examples(ctx, &train, features).await?;
    let test_examples = examples(ctx, &test, features).await?;
    let options = TrainOptions {
        features,
        ..TrainOptions::default()
    };
    let (model, metrics, curve) = tokio::task::spawn_blocking(move || {
        let model = LocalModel::train_with_prior(&train_examples, &options)?;
        let metrics = measure(&model, &test_examples)?;
        let sizes: Vec<usize> = CURVE_SIZES
            .into_iter()
            .filter(|n| *n * 2 <= train_examples.len())
            .collect();
        let mut curve = learning_curve(&train_examples, &test_examples, &sizes, &options)?;
        curve.push((train_examples.len(), metrics.macro_f1));
        anyhow::Ok((model, metrics, curve))
    })
    .await??;
    let (model_id, _) = store(
        ctx,
        NewModel {
            set_id,
            set_name: &set.name,
            features: features_name,
            embedder: ctx.embedder.model_name(),
            train_size: train.len() as i32,
            metrics: Some(serde_json::to_value(&metrics)?),
            curve: Some(serde_json::to_value(&curve)?),
            model: serde_json::to_value(&model)?,
            user_id,
            tuned: None,
        },
        !test.is_empty(),
    )
    .await?;
    Ok(Some(model_id))
}

/// The tuned branch, with its progress written for the page and its end recorded there.
async fn run_tuned(
    ctx: &JobContext,
    job: &TrainJob<'_>,
    set_name: &str,
    train: &[&Item],
    test: &[&Item],
) -> anyhow::Result<Option<i64>> {
    let tune = TuneJob {
        job_id: job.job_id,
        set_name: set_name.to_string(),
        pairs: job.pairs,
        curve: job.curve,
    };
    // A failed attempt stays "running" on the page: the worker retries it (keeping finished
    // curve points) and marks it failed only when it gives up.
    let Some(trained) = train_tuned::run(ctx, &tune, train, test).await? else {
        train_tuned::finish(ctx, &tune, TrainingState::Cancelled, None).await?;
        return Ok(None);
    };
    if db::training::cancel_requested(&ctx.pool, job.job_id).await? {
        // Cancelled while the model was being measured: still nothing is stored.
        train_tuned::finish(ctx, &tune, TrainingState::Cancelled, None).await?;
        return Ok(None);
    }
    let (model_id, version) = store(
        ctx,
        NewModel {
            set_id: job.set_id,
            set_name,
            features: TUNED,
            embedder: ctx.embedder.model_name(),
            train_size: train.len() as i32,
            metrics: Some(serde_json::to_value(&trained.metrics)?),
            curve: Some(serde_json::to_value(&trained.curve)?),
            model: serde_json::to_value(&trained.head)?,
            user_id: job.user_id,
            tuned: Some((trained.layers, trained.recipe)),
        },
        !test.is_empty(),
    )
    .await?;
    // The model is stored: nothing after this may fail the job, or a retry would tune and store
    // it a second time.
    let message = if job.auto_activate {
        first_model::decide(ctx, job.set_id, model_id, version, test, &trained.metrics)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = ?e, model_id, "the first model's activation failed");
                format!("v{version} stored; it could not be made active: {e}.")
            })
    } else {
        format!(
            "v{version}: macro-F1 {:.3} on the test split; its evaluation run is queued.",
            trained.metrics.macro_f1
        )
    };
    if let Err(e) = train_tuned::finish(ctx, &tune, TrainingState::Done, Some(message)).await {
        tracing::error!(error = ?e, model_id, "the tuning's end was not recorded");
    }
    Ok(Some(model_id))
}

/// Stores the model as the next version and, when the set has a test split, queues its
/// evaluation run (which activation requires). Returns its id and version.
async fn store(
    ctx: &JobContext,
    model: NewModel<'_>,
    evaluate: bool,
) -> anyhow::Result<(i64, i32)> {
    let (set_id, user_id) = (model.set_id, model.user_id);
    let (model_id, version) = db::models::insert(&ctx.pool, model).await?;
    tracing::info!(model_id, version, "trained a local model");
    if evaluate {
        // Stored is stored: a run that cannot be queued is one an admin can start by hand.
        if let Err(e) = runs::start(ctx, set_id, EngineChoice::local(model_id), user_id).await {
            tracing::error!(error = ?e, model_id, "the new model's evaluation run was not queued");
        }
    }
    Ok((model_id, version))
}

/// Metrics of a model on examples.
pub fn measure(model: &LocalModel, examples: &[TrainExample]) -> anyhow::Result<Metrics> {
    let mut gold = Vec::with_capacity(examples.len());
    let mut predicted = Vec::with_capacity(examples.len());
    for e in examples {
        let p = model.predict(&e.text, e.embedding.as_deref())?;
        gold.push(class_index(e.label));
        predicted.push(class_index(p.label));
    }
    Ok(Metrics::compute(&sets::class_names(), &gold, &predicted))
}
