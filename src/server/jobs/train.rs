//! The training job: fits a local sentiment model on a set's train split, measures it on the test split, stores it as the next version and queues its evaluation run.

use super::runs;
use super::JobContext;
use crate::domain::metrics::Metrics;
use crate::domain::{EngineChoice, EngineKind, SentimentLabel};
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

/// Trains, stores and queues the evaluation; returns the new model's id.
#[tracing::instrument(skip_all, fields(set_id))]
pub async fn run(
    ctx: &JobContext,
    set_id: i64,
    features_name: &str,
    pairs: Option<usize>,
    user_id: Option<i64>,
) -> anyhow::Result<i64> {
    let set = db::labelled::get(&ctx.pool, set_id)
        .await?
        .context("the labelled set no longer exists")?;
    let items = db::labelled::items(&ctx.pool, set_id).await?;
    let (train, test) = sets::split(&items);
    if features_name == TUNED {
        let trained = super::train_tuned::run(ctx, &train, &test, pairs).await?;
        let curve = vec![(train.len(), trained.metrics.macro_f1)];
        return store(
            ctx,
            NewModel {
                set_id,
                set_name: &set.name,
                features: TUNED,
                embedder: ctx.embedder.model_name(),
                train_size: train.len() as i32,
                metrics: Some(serde_json::to_value(&trained.metrics)?),
                curve: Some(serde_json::to_value(&curve)?),
                model: serde_json::to_value(&trained.head)?,
                user_id,
                tuned: Some((trained.layers, trained.recipe)),
            },
            !test.is_empty(),
        )
        .await;
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
    store(
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
    .await
}

/// Stores the model as the next version and, when the set has a test split, queues its
/// evaluation run (which activation requires).
async fn store(ctx: &JobContext, model: NewModel<'_>, evaluate: bool) -> anyhow::Result<i64> {
    let (set_id, user_id) = (model.set_id, model.user_id);
    let (model_id, version) = db::models::insert(&ctx.pool, model).await?;
    tracing::info!(model_id, version, "trained a local model");
    let choice = EngineChoice {
        kind: EngineKind::Local,
        model_id: Some(model_id),
        prompt_id: None,
    };
    if evaluate {
        runs::start(ctx, set_id, choice, user_id).await?;
    }
    Ok(model_id)
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
