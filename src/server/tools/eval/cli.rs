//! `ticketlens eval`: evaluates an engine on a labelled file and prints the metrics table, without the database, so any figure on the Evaluation page can be reproduced from the command line.

use crate::domain::metrics::Metrics;
use crate::server::config::Settings;
use crate::server::jobs::train::parse_features;
use crate::server::llm::{self, LlmClient};
use crate::server::pipeline::embed::Embedder;
use crate::server::pipeline::evaluation::files::{self, Labelled};
use crate::server::pipeline::evaluation::sets;
use crate::server::pipeline::sentiment::engine::{examples_hash, Engine};
use crate::server::pipeline::sentiment::local::{LocalModel, TrainExample, TrainOptions};
use crate::server::pipeline::sentiment::tuned::Recipe;
use crate::server::pipeline::sentiment::{class_index, label_names, SentimentLabel};
use crate::server::tools::eval::tuned;
use anyhow::Context;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// lexicon, local or llm.
    #[arg(long)]
    engine: String,
    /// The labelled test file: a CSV with text and label columns, or a TweetEval prefix such as
    /// ../shared/datasets/tweeteval-sentiment/test.
    #[arg(long)]
    set: PathBuf,
    /// The labelled training file for the local engine (same formats).
    #[arg(long)]
    train: Option<PathBuf>,
    /// Local engine features: both, embedding or tfidf (the head-only engine).
    #[arg(long, default_value = "both")]
    features: String,
    /// The local engine without tuning: a linear head on the base model's embeddings.
    #[arg(long)]
    head_only: bool,
    /// Train on a stratified subset of about N examples of the training file (chosen by --seed).
    #[arg(long)]
    train_size: Option<usize>,
    /// Tuning: how many top layers of the encoder train.
    #[arg(long)]
    tune_layers: Option<usize>,
    /// Tuning: the peak learning rate.
    #[arg(long)]
    tune_lr: Option<f64>,
    /// Tuning: pairs to train on (default 2,000 aimed for, at most 4,000; small sets take more
    /// rounds over their examples, up to 20).
    #[arg(long)]
    tune_pairs: Option<usize>,
    /// Seed for subsets and tuning pairs.
    #[arg(long, default_value_t = 17)]
    seed: u64,
    /// Also print macro-F1 against the number of training examples (local engine).
    #[arg(long)]
    learning_curve: bool,
    /// Also print, for each lexicon weight of the tuned engine's blend, the cross-validated and
    /// the test macro-F1 (how well the weight is chosen).
    #[arg(long)]
    prior_curves: bool,
    /// Evaluate only the first N test items (an LLM costs money per item).
    #[arg(long)]
    limit: Option<usize>,
    /// LLM prompt template file (default: the built-in template).
    #[arg(long)]
    prompt: Option<PathBuf>,
    /// LLM few-shot examples: a CSV with text and label columns.
    #[arg(long)]
    examples: Option<PathBuf>,
}

pub async fn run(args: EvalArgs, settings: &Settings) -> anyhow::Result<()> {
    let mut test = load(&args.set)?;
    if let Some(limit) = args.limit {
        test.examples.truncate(limit);
    }
    if args.engine == "local" && !args.head_only {
        return run_tuned(&args, settings, &test).await;
    }
    let needs_embedder = args.engine == "local";
    let embedder = if needs_embedder {
        let config = settings.embedder.clone();
        Some(Arc::new(
            tokio::task::spawn_blocking(move || Embedder::load(&config)).await??,
        ))
    } else {
        None
    };
    let started = Instant::now();
    let test_examples = examples(embedder.as_ref(), &test, &args.features).await?;
    let embed_seconds = started.elapsed().as_secs_f64();
    let engine = match args.engine.as_str() {
        "lexicon" => Engine::Lexicon,
        "local" => {
            let train_path = args
                .train
                .as_ref()
                .context("--engine local needs --train FILE")?;
            let mut train = load(train_path)?;
            if let Some(size) = args.train_size {
                train.examples = subset_of(&train.examples, size, args.seed);
            }
            let train_examples = examples(embedder.as_ref(), &train, &args.features).await?;
            let features = parse_features(&args.features)
                .context("--features must be both, embedding or tfidf")?;
            let options = TrainOptions {
                features,
                ..TrainOptions::default()
            };
            if args.learning_curve {
                print_curve(&train_examples, &test_examples, &options)?;
            }
            let t = Instant::now();
            let model = LocalModel::train(&train_examples, &options)?;
            println!(
                "trained on {} examples ({}) in {:.1} s",
                train_examples.len(),
                args.features,
                t.elapsed().as_secs_f64()
            );
            Engine::Local {
                model: Arc::new(model),
                version: format!("local-cli-{}", args.features),
                encoder: None,
            }
        }
        "llm" => llm_engine(&args, settings)?,
        other => anyhow::bail!("unknown engine {other:?}: use lexicon, local or llm"),
    };
    let texts: Vec<String> = test_examples.iter().map(|e| e.text.clone()).collect();
    let embeddings: Vec<Vec<f32>> = test_examples
        .iter()
        .map(|e| e.embedding.clone().unwrap_or_default())
        .collect();
    let t = Instant::now();
    let mut predicted = Vec::with_capacity(texts.len());
    let mut cost = crate::server::pipeline::sentiment::engine::Cost::default();
    for (chunk, emb) in texts.chunks(32).zip(embeddings.chunks(32)) {
        let (scored, c) = engine.score(chunk, emb).await?;
        predicted.extend(scored.iter().map(|s| class_index(s.sentiment.label)));
        cost.prompt_tokens += c.prompt_tokens;
        cost.completion_tokens += c.completion_tokens;
        cost.fallbacks += c.fallbacks;
    }
    let score_seconds = t.elapsed().as_secs_f64();
    let gold: Vec<usize> = test_examples.iter().map(|e| class_index(e.label)).collect();
    let metrics = Metrics::compute(&sets::class_names(), &gold, &predicted);
    println!(
        "engine {} ({}) on {}",
        args.engine,
        engine.version(),
        args.set.display()
    );
    print!("{}", table(&metrics));
    println!(
        "{} items; embedding {:.1} s, scoring {:.1} s; tokens {} in / {} out; {} fallbacks",
        texts.len(),
        embed_seconds,
        score_seconds,
        cost.prompt_tokens,
        cost.completion_tokens,
        cost.fallbacks
    );
    Ok(())
}

/// The tuned local engine: tunes on the training file (or a subset), then scores the test file.
async fn run_tuned(args: &EvalArgs, settings: &Settings, test: &Labelled) -> anyhow::Result<()> {
    let train_path = args
        .train
        .as_ref()
        .context("--engine local needs --train FILE")?;
    let mut train = load(train_path)?.examples;
    if let Some(size) = args.train_size {
        train = subset_of(&train, size, args.seed);
    }
    let unembedded = |rows: &[(String, SentimentLabel)]| -> Vec<TrainExample> {
        rows.iter()
            .map(|(text, label)| TrainExample {
                text: text.clone(),
                embedding: None,
                label: *label,
            })
            .collect()
    };
    let (train, test_examples) = (unembedded(&train), unembedded(&test.examples));
    let defaults = Recipe::for_size(train.len());
    let recipe = Recipe {
        trainable_layers: args.tune_layers.unwrap_or(defaults.trainable_layers),
        learning_rate: args.tune_lr.unwrap_or(defaults.learning_rate),
        target_pairs: args.tune_pairs.unwrap_or(defaults.target_pairs),
        max_pairs: args.tune_pairs.unwrap_or(defaults.max_pairs),
        seed: args.seed,
        ..defaults
    };
    if args.learning_curve {
        tuned::print_curve(settings, &train, &test_examples, &recipe, args.tune_layers).await?;
    }
    let started = Instant::now();
    let (model, metrics) =
        tuned::tune_and_score(settings, train.clone(), &test_examples, &recipe).await?;
    if args.prior_curves {
        tuned::print_prior_curves(settings, &model, &train, &test_examples).await?;
    }
    println!(
        "engine local (tuned; the head-only engine is --head-only) on {}",
        args.set.display()
    );
    println!("{}", tuned::describe(&recipe, &model));
    print!("{}", table(&metrics));
    println!(
        "{} items; tuning, embedding and scoring took {:.1} s",
        test_examples.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A stratified subset of about `size` labelled rows.
fn subset_of(
    rows: &[(String, SentimentLabel)],
    size: usize,
    seed: u64,
) -> Vec<(String, SentimentLabel)> {
    let examples: Vec<TrainExample> = rows
        .iter()
        .map(|(text, label)| TrainExample {
            text: text.clone(),
            embedding: None,
            label: *label,
        })
        .collect();
    crate::server::pipeline::sentiment::tuned::subset(&examples, size, seed)
        .into_iter()
        .map(|e| (e.text, e.label))
        .collect()
}

fn load(path: &std::path::Path) -> anyhow::Result<Labelled> {
    let read = files::read_path(path)?;
    for (line, reason) in read.bad_rows.iter().take(5) {
        eprintln!("{}: line {line} skipped: {reason}", path.display());
    }
    anyhow::ensure!(
        !read.examples.is_empty(),
        "{} has no usable rows",
        path.display()
    );
    Ok(read)
}

async fn examples(
    embedder: Option<&Arc<Embedder>>,
    read: &Labelled,
    features: &str,
) -> anyhow::Result<Vec<TrainExample>> {
    let texts: Vec<String> = read.examples.iter().map(|(t, _)| t.clone()).collect();
    let embeddings: Vec<Option<Vec<f32>>> = match embedder {
        Some(e) if features != "tfidf" => crate::server::jobs::embed(e, texts.clone())
            .await?
            .into_iter()
            .map(Some)
            .collect(),
        _ => vec![None; texts.len()],
    };
    Ok(read
        .examples
        .iter()
        .zip(embeddings)
        .map(|((text, label), embedding)| TrainExample {
            text: text.clone(),
            embedding,
            label: *label,
        })
        .collect())
}

fn llm_engine(args: &EvalArgs, settings: &Settings) -> anyhow::Result<Engine> {
    let llm_settings = settings
        .llm
        .clone()
        .context("no LLM provider is configured (set TICKETLENS_LLM_PROVIDER and its key)")?;
    let client = Arc::new(LlmClient::new(llm_settings)?);
    let template = match &args.prompt {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?
        }
        None => llm::prompt::DEFAULT_SENTIMENT_TEMPLATE.to_string(),
    };
    let shots: Vec<llm::prompt::FewShot> = match &args.examples {
        Some(p) => load(p)?
            .examples
            .into_iter()
            .map(|(text, label)| llm::prompt::FewShot {
                text,
                label: label.as_str().to_string(),
            })
            .collect(),
        None => Vec::new(),
    };
    let labels = label_names();
    Ok(Engine::Llm {
        version: format!("{} examples-{}", client.describe(), examples_hash(&shots)),
        instructions: llm::prompt::render(&template, &shots, &labels),
        client,
        fallback: Box::new(Engine::Lexicon),
    })
}

fn print_curve(
    train: &[TrainExample],
    test: &[TrainExample],
    options: &TrainOptions,
) -> anyhow::Result<()> {
    let mut sizes: Vec<usize> = [50, 100, 200, 400, 800, 1600]
        .into_iter()
        .filter(|n| *n < train.len())
        .collect();
    sizes.push(train.len());
    println!("learning curve (training examples -> macro-F1):");
    for (n, f1) in
        crate::server::pipeline::sentiment::local::learning_curve(train, test, &sizes, options)?
    {
        println!("  {n:>6}  {f1:.3}");
    }
    Ok(())
}

/// The metrics as a plain-text table.
pub fn table(m: &Metrics) -> String {
    let mut out = format!(
        "{:<10} {:>9} {:>9} {:>9} {:>9}\n",
        "class", "precision", "recall", "f1", "support"
    );
    for c in &m.classes {
        out += &format!(
            "{:<10} {:>9.3} {:>9.3} {:>9.3} {:>9}\n",
            c.label, c.precision, c.recall, c.f1, c.support
        );
    }
    out += &format!(
        "accuracy {:.3}   macro-F1 {:.3}   weighted-F1 {:.3}\n",
        m.accuracy, m.macro_f1, m.weighted_f1
    );
    out += "confusion (rows gold, columns predicted):\n";
    for (label, row) in sets::class_names().iter().zip(&m.confusion) {
        let cells: Vec<String> = row.iter().map(|n| format!("{n:>7}")).collect();
        out += &format!("  {label:<10}{}\n", cells.join(""));
    }
    out
}
