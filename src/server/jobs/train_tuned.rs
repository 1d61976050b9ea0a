//! The training job's tuned branch: the learning curve's stages, then the model, with progress, cancel and resume.

use super::JobContext;
use crate::domain::metrics::Metrics;
use crate::domain::training::{TrainingProgress, TrainingState};
use crate::domain::SentimentLabel;
use crate::server::db;
use crate::server::db::labelled::Item;
use crate::server::pipeline::embed::{Embedder, EmbedderConfig};
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::class_index;
use crate::server::pipeline::sentiment::local::{LocalModel, TrainExample};
use crate::server::pipeline::sentiment::tuned::{self, store, Recipe, Step, TunedModel};
use anyhow::Context;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often the job writes its progress and looks for a cancel request.
const POLL: Duration = Duration::from_secs(1);

/// What an admin asked for.
pub struct TuneJob {
    pub job_id: i64,
    pub set_name: String,
    /// Pairs to aim for instead of the recipe's.
    pub pairs: Option<usize>,
    /// Tune once per learning-curve size first (sizes up to half the train split).
    pub curve: bool,
}

/// What the job stores.
pub struct Tuned {
    pub head: LocalModel,
    /// The tuned layers as safetensors bytes.
    pub layers: Vec<u8>,
    /// The recipe and how tuning went, as stored JSON.
    pub recipe: serde_json::Value,
    pub metrics: Metrics,
    /// (examples, test macro-F1) at each learning-curve size and the full train split.
    pub curve: Vec<(usize, f64)>,
}

/// Texts and labels of labelled items.
pub fn texts(items: &[&Item]) -> anyhow::Result<Vec<TrainExample>> {
    items
        .iter()
        .map(|i| {
            Ok(TrainExample {
                text: i.text.clone(),
                embedding: None,
                label: SentimentLabel::parse(&i.label).context("bad stored label")?,
            })
        })
        .collect()
}

/// The best recipe for `n` examples, aiming at `pairs` pairs when given.
pub fn recipe_for(n: usize, pairs: Option<usize>) -> Recipe {
    let defaults = Recipe::for_size(n);
    Recipe {
        target_pairs: pairs.unwrap_or(defaults.target_pairs),
        max_pairs: pairs.unwrap_or(defaults.max_pairs),
        ..defaults
    }
}

/// Tunes at each learning-curve size, then on the whole train split, measuring each on the test
/// split. A job taken over after a crash keeps the curve points its first run finished. `None`
/// when an admin cancelled it.
pub async fn run(
    ctx: &JobContext,
    job: &TuneJob,
    train: &[&Item],
    test: &[&Item],
) -> anyhow::Result<Option<Tuned>> {
    let train = texts(train)?;
    let test = texts(test)?;
    let sizes: Vec<usize> = tuned::CURVE_SIZES
        .into_iter()
        .filter(|n| job.curve && n * 2 <= train.len())
        .collect();
    let resumed = db::training::progress(&ctx.pool)
        .await?
        .filter(|p| p.job_id == job.job_id && p.state == TrainingState::Running);
    let mut progress = TrainingProgress {
        job_id: job.job_id,
        set_name: job.set_name.clone(),
        examples: 0,
        stage: 0,
        stages: sizes.len() + 1,
        done: 0,
        total: 0,
        loss: None,
        curve: resumed.map(|p| p.curve).unwrap_or_default(),
        state: TrainingState::Running,
        message: None,
    };
    let seed = Recipe::default().seed;
    // Stages run in order, so a resumed job's points are its first stages'.
    for (stage, size) in sizes.iter().enumerate().skip(progress.curve.len()) {
        let examples = tuned::subset(&train, *size, seed);
        progress.stage = stage;
        progress.examples = examples.len();
        let recipe = recipe_for(examples.len(), job.pairs);
        let Some(model) = tune(ctx, &mut progress, examples, recipe).await? else {
            return Ok(None);
        };
        let f1 = measure(ctx.embedder.config(), &model, &test)
            .await?
            .macro_f1;
        progress.curve.push((model.summary.examples, f1));
        db::training::set_progress(&ctx.pool, &progress).await?;
    }
    progress.stage = sizes.len();
    progress.examples = train.len();
    let recipe = recipe_for(train.len(), job.pairs);
    let Some(model) = tune(ctx, &mut progress, train, recipe.clone()).await? else {
        return Ok(None);
    };
    let metrics = measure(ctx.embedder.config(), &model, &test).await?;
    let mut curve = progress.curve.clone();
    curve.push((model.summary.examples, metrics.macro_f1));
    Ok(Some(Tuned {
        layers: store::to_bytes(&model.layers)?,
        recipe: serde_json::json!({ "recipe": recipe, "summary": model.summary }),
        metrics,
        curve,
        head: model.head,
    }))
}

/// Records how the job ended.
pub async fn finish(
    ctx: &JobContext,
    job: &TuneJob,
    state: TrainingState,
    message: Option<String>,
) -> anyhow::Result<()> {
    let mut progress = db::training::progress(&ctx.pool)
        .await?
        .filter(|p| p.job_id == job.job_id)
        .unwrap_or(TrainingProgress {
            job_id: job.job_id,
            set_name: job.set_name.clone(),
            examples: 0,
            stage: 0,
            stages: 1,
            done: 0,
            total: 0,
            loss: None,
            curve: Vec::new(),
            state,
            message: None,
        });
    progress.state = state;
    progress.message = message;
    db::training::set_progress(&ctx.pool, &progress).await?;
    Ok(())
}

/// Marks job `job_id`'s tuning failed once the worker gave up retrying it; database and I/O
/// details stay in the log (managers read the card too).
pub async fn mark_failed(
    pool: &sqlx::PgPool,
    job_id: i64,
    e: &anyhow::Error,
) -> anyhow::Result<()> {
    let internal = e.chain().any(|c| {
        c.downcast_ref::<sqlx::Error>().is_some() || c.downcast_ref::<std::io::Error>().is_some()
    });
    let message = if internal {
        "a database or file error; the details are in the server log".to_string()
    } else {
        format!("{e:#}")
    };
    if let Some(mut p) = db::training::progress(pool)
        .await?
        .filter(|p| p.job_id == job_id)
    {
        p.state = TrainingState::Failed;
        p.message = Some(message);
        db::training::set_progress(pool, &p).await?;
    }
    Ok(())
}

/// One tuning, writing its progress every [`POLL`] and stopping when an admin cancels.
async fn tune(
    ctx: &JobContext,
    progress: &mut TrainingProgress,
    examples: Vec<TrainExample>,
    recipe: Recipe,
) -> anyhow::Result<Option<TunedModel>> {
    progress.done = 0;
    progress.total = 0;
    progress.loss = None;
    db::training::set_progress(&ctx.pool, progress).await?;
    let cancel = Arc::new(AtomicBool::new(false));
    // Dropped before the tuning ends (the worker lost its lease, or shuts down): stop the
    // blocking tuning too, instead of leaving it to compete with the job's next attempt.
    let _stop = StopOnDrop(cancel.clone());
    let latest: Arc<Mutex<Option<Step>>> = Arc::default();
    let seen = latest.clone();
    let work = tuned::fit_in_background(
        ctx.embedder.config().model_dir.clone(),
        examples,
        recipe,
        cancel.clone(),
        move |step| {
            if let Ok(mut s) = seen.lock() {
                *s = Some(step);
            }
        },
    );
    tokio::pin!(work);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = tokio::time::sleep(POLL) => {
                if let Some(step) = latest.lock().ok().and_then(|s| *s) {
                    progress.done = step.done;
                    progress.total = step.total;
                    progress.loss = Some(step.loss);
                }
                let pool = &ctx.pool;
                let polled = async {
                    db::training::set_progress(pool, progress).await?;
                    db::training::cancel_requested(pool, progress.job_id).await
                };
                match polled.await {
                    Ok(true) => cancel.store(true, Ordering::Relaxed),
                    Ok(false) => {}
                    Err(e) => tracing::warn!(error = %e, "tuning progress not written"),
                }
            }
        }
    }
}

/// Sets its flag when dropped.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Macro-F1 and the rest on `test`, embedded by the tuned layers through the serving runtime.
pub async fn measure(
    config: &EmbedderConfig,
    model: &TunedModel,
    test: &[TrainExample],
) -> anyhow::Result<Metrics> {
    let config = config.clone();
    let layers = model.layers.clone();
    let encoder = Arc::new(
        tokio::task::spawn_blocking(move || Embedder::load_tuned(&config, &layers, Some("tuned")))
            .await??,
    );
    let embeddings = super::embed(&encoder, test.iter().map(|e| e.text.clone()).collect()).await?;
    let mut gold = Vec::with_capacity(test.len());
    let mut predicted = Vec::with_capacity(test.len());
    for (e, v) in test.iter().zip(&embeddings) {
        gold.push(class_index(e.label));
        predicted.push(class_index(model.head.predict(&e.text, Some(v))?.label));
    }
    Ok(Metrics::compute(&sets::class_names(), &gold, &predicted))
}
