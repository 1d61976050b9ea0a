//! SetFit-style tuning on CPU: label-agreement pairs pull same-label texts together in the encoder's top layers.

use super::bert::TrainableBert;
use super::Recipe;
use anyhow::Context;
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicBool, Ordering};

/// One tokenised training text.
pub struct Tokens {
    pub ids: Vec<u32>,
    pub type_ids: Vec<u32>,
}

/// The frozen layers' output for one text: `len × dims` values, row-major.
#[derive(Clone)]
pub struct State {
    pub values: Vec<f32>,
    pub len: usize,
}

/// A training pair: two text positions and whether their labels agree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub a: usize,
    pub b: usize,
    pub same: bool,
}

/// What a step reports to its caller.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub done: usize,
    pub total: usize,
    pub loss: f32,
}

/// SetFit's pair sampling: rounds over the examples, each giving every example one partner with
/// its label and one with another label (when such partners exist), shuffled, capped at
/// `recipe.max_pairs`. Deterministic for a seed.
pub fn pairs(labels: &[usize], recipe: &Recipe) -> Vec<Pair> {
    let mut rng = ChaCha8Rng::seed_from_u64(recipe.seed);
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes];
    for (i, &l) in labels.iter().enumerate() {
        by_class[l].push(i);
    }
    let mut out = Vec::new();
    let rounds = recipe.rounds(labels.len());
    for _ in 0..rounds {
        for (i, &l) in labels.iter().enumerate() {
            let same = &by_class[l];
            if same.len() > 1 {
                let mut j = same[rng.gen_range(0..same.len())];
                while j == i {
                    j = same[rng.gen_range(0..same.len())];
                }
                out.push(Pair {
                    a: i,
                    b: j,
                    same: true,
                });
            }
            if same.len() < labels.len() {
                let mut j = rng.gen_range(0..labels.len());
                while labels[j] == l {
                    j = rng.gen_range(0..labels.len());
                }
                out.push(Pair {
                    a: i,
                    b: j,
                    same: false,
                });
            }
        }
    }
    out.shuffle(&mut rng);
    out.truncate(recipe.max_pairs);
    out
}

/// Runs the frozen layers over every text once, in batches of similar length.
pub fn frozen_states(
    model: &TrainableBert,
    tokens: &[Tokens],
    batch: usize,
) -> anyhow::Result<Vec<State>> {
    let mut order: Vec<usize> = (0..tokens.len()).collect();
    order.sort_by_key(|&i| tokens[i].ids.len());
    let mut states: Vec<Option<State>> = (0..tokens.len()).map(|_| None).collect();
    let dims = model.dims();
    for chunk in order.chunks(batch.max(1)) {
        let (ids, type_ids, mask) = padded_tokens(tokens, chunk)?;
        let out = model.frozen_states(&ids, &type_ids, &mask)?;
        let out = out.to_dtype(DType::F32)?;
        let width = out.dim(1)?;
        let rows = out.flatten_all()?.to_vec1::<f32>()?;
        for (r, &i) in chunk.iter().enumerate() {
            let len = tokens[i].ids.len();
            let start = r * width * dims;
            states[i] = Some(State {
                values: rows[start..start + len * dims].to_vec(),
                len,
            });
        }
    }
    Ok(states
        .into_iter()
        .map(|s| s.expect("every text is in one chunk"))
        .collect())
}

fn padded_tokens(tokens: &[Tokens], chunk: &[usize]) -> anyhow::Result<(Tensor, Tensor, Tensor)> {
    let width = chunk
        .iter()
        .map(|&i| tokens[i].ids.len())
        .max()
        .unwrap_or(1);
    let mut ids = Vec::with_capacity(chunk.len() * width);
    let mut types = Vec::with_capacity(chunk.len() * width);
    let mut mask = Vec::with_capacity(chunk.len() * width);
    for &i in chunk {
        let t = &tokens[i];
        let pad = width - t.ids.len();
        ids.extend(t.ids.iter().copied().chain(std::iter::repeat_n(0, pad)));
        types.extend(
            t.type_ids
                .iter()
                .copied()
                .chain(std::iter::repeat_n(0, pad)),
        );
        mask.extend(std::iter::repeat_n(1u32, t.ids.len()).chain(std::iter::repeat_n(0, pad)));
    }
    let shape = (chunk.len(), width);
    let d = Device::Cpu;
    Ok((
        Tensor::from_vec(ids, shape, &d)?,
        Tensor::from_vec(types, shape, &d)?,
        Tensor::from_vec(mask, shape, &d)?,
    ))
}

/// The stored states of `rows` padded to the longest, as `[rows, width, dims]`, and their mask.
pub fn padded_states(
    states: &[State],
    rows: &[usize],
    dims: usize,
    dtype: DType,
) -> anyhow::Result<(Tensor, Tensor)> {
    let width = rows.iter().map(|&i| states[i].len).max().unwrap_or(1);
    let mut values = Vec::with_capacity(rows.len() * width * dims);
    let mut mask = Vec::with_capacity(rows.len() * width);
    for &i in rows {
        let s = &states[i];
        values.extend_from_slice(&s.values);
        values.extend(std::iter::repeat_n(0.0f32, (width - s.len) * dims));
        mask.extend(std::iter::repeat_n(1u32, s.len).chain(std::iter::repeat_n(0, width - s.len)));
    }
    let d = Device::Cpu;
    Ok((
        Tensor::from_vec(values, (rows.len(), width, dims), &d)?.to_dtype(dtype)?,
        Tensor::from_vec(mask, (rows.len(), width), &d)?,
    ))
}

/// SetFit's loss on a batch of pairs: the mean squared gap between each pair's cosine similarity
/// and 1 (same label) or 0 (different labels).
pub fn pair_loss(
    model: &TrainableBert,
    states: &[State],
    batch: &[Pair],
    dtype: DType,
) -> anyhow::Result<Tensor> {
    let rows: Vec<usize> = batch
        .iter()
        .map(|p| p.a)
        .chain(batch.iter().map(|p| p.b))
        .collect();
    let (x, mask) = padded_states(states, &rows, model.dims(), dtype)?;
    let e = model.embed(&x, &mask)?;
    let n = batch.len();
    let cos = (e.narrow(0, 0, n)? * e.narrow(0, n, n)?)?.sum(D::Minus1)?;
    let target: Vec<f32> = batch
        .iter()
        .map(|p| if p.same { 1.0 } else { 0.0 })
        .collect();
    let target = Tensor::from_vec(target, n, &Device::Cpu)?.to_dtype(dtype)?;
    Ok((cos - target)?.sqr()?.mean_all()?)
}

/// Tunes the model's trainable layers on `pairs` with AdamW, calling `progress` after each step.
/// Returns the mean loss of the last 10% of steps, or `None` when `cancel` was set.
pub fn tune(
    model: &TrainableBert,
    states: &[State],
    pairs: &[Pair],
    recipe: &Recipe,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Step),
) -> anyhow::Result<Option<f32>> {
    let params = ParamsAdamW {
        lr: recipe.learning_rate,
        weight_decay: 0.01,
        ..ParamsAdamW::default()
    };
    let mut optimiser = AdamW::new(model.vars(), params).context("creating the optimiser")?;
    let batches: Vec<&[Pair]> = pairs.chunks(recipe.batch_pairs.max(1)).collect();
    let total = batches.len();
    let warmup = (total / 10).max(1);
    let mut recent = Vec::new();
    for (step, batch) in batches.into_iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        // Linear warm-up over the first tenth of the steps, then linear decay to zero.
        let scale = if step < warmup {
            (step + 1) as f64 / warmup as f64
        } else {
            (total - step) as f64 / (total - warmup).max(1) as f64
        };
        optimiser.set_learning_rate(recipe.learning_rate * scale);
        let loss = pair_loss(model, states, batch, model.dtype())?;
        optimiser.backward_step(&loss)?;
        let loss = loss.to_dtype(DType::F32)?.to_scalar::<f32>()?;
        if step >= total - total / 10 - 1 {
            recent.push(loss);
        }
        progress(Step {
            done: step + 1,
            total,
            loss,
        });
    }
    Ok(Some(
        recent.iter().sum::<f32>() / recent.len().max(1) as f32,
    ))
}

/// Sentence embeddings of every text from the (tuned) model, in input order.
pub fn embed_all(
    model: &TrainableBert,
    states: &[State],
    batch: usize,
) -> anyhow::Result<Vec<Vec<f32>>> {
    let mut order: Vec<usize> = (0..states.len()).collect();
    order.sort_by_key(|&i| states[i].len);
    let mut out = vec![Vec::new(); states.len()];
    for chunk in order.chunks(batch.max(1)) {
        let (x, mask) = padded_states(states, chunk, model.dims(), model.dtype())?;
        let e = model
            .embed(&x, &mask)?
            .detach()
            .to_dtype(DType::F32)?
            .to_vec2::<f32>()?;
        for (&i, v) in chunk.iter().zip(e) {
            out[i] = v;
        }
    }
    Ok(out)
}
