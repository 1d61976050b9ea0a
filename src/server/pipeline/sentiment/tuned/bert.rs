//! A BERT encoder for training: frozen bottom layers, top layers as candle `Var`s, and a LayerNorm of primitive ops so gradients reach every trainable weight.

use crate::server::pipeline::embed::onnx::{Weight, Weights};
use candle_core::{DType, Device, Tensor, Var, D};
use candle_transformers::models::bert::Config;

/// A parameter: trainable (`Var`) or frozen (plain tensor).
#[derive(Clone)]
enum Param {
    Frozen(Tensor),
    Trained(Var),
}

impl Param {
    fn tensor(&self) -> &Tensor {
        match self {
            Param::Frozen(t) => t,
            Param::Trained(v) => v.as_tensor(),
        }
    }
}

/// `y = x·Wᵀ + b` with `W` stored `[out, in]` as in the checkpoint.
#[derive(Clone)]
struct Dense {
    weight: Param,
    bias: Param,
}

impl Dense {
    /// Flattens `[rows, width, in]` to one matrix product (a broadcast product would copy the
    /// weight once per row).
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (rows, width, inner) = x.dims3()?;
        x.reshape((rows * width, inner))?
            .matmul(&self.weight.tensor().t()?)?
            .broadcast_add(self.bias.tensor())?
            .reshape((rows, width, ()))
    }
}

/// LayerNorm over the last dimension from primitive ops. candle's fused `LayerNorm` op has no
/// backward pass, so gradients would silently stop at it.
#[derive(Clone)]
struct Norm {
    gamma: Param,
    beta: Param,
    eps: f64,
}

impl Norm {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let mean = x.mean_keepdim(D::Minus1)?;
        let centred = x.broadcast_sub(&mean)?;
        let var = centred.sqr()?.mean_keepdim(D::Minus1)?;
        let normed = centred.broadcast_div(&(var + self.eps)?.sqrt()?)?;
        normed
            .broadcast_mul(self.gamma.tensor())?
            .broadcast_add(self.beta.tensor())
    }
}

#[derive(Clone)]
struct Layer {
    query: Dense,
    key: Dense,
    value: Dense,
    attention_out: Dense,
    attention_norm: Norm,
    intermediate: Dense,
    output: Dense,
    output_norm: Norm,
}

/// The checkpoint names of one layer's tensors, in a fixed order.
pub(crate) fn layer_tensor_names(layer: usize) -> Vec<String> {
    let p = format!("encoder.layer.{layer}");
    [
        "attention.self.query",
        "attention.self.key",
        "attention.self.value",
        "attention.output.dense",
        "intermediate.dense",
        "output.dense",
    ]
    .iter()
    .flat_map(|d| [format!("{p}.{d}.weight"), format!("{p}.{d}.bias")])
    .chain(
        ["attention.output.LayerNorm", "output.LayerNorm"]
            .iter()
            .flat_map(|n| [format!("{p}.{n}.weight"), format!("{p}.{n}.bias")]),
    )
    .collect()
}

struct Embeddings {
    words: Tensor,
    positions: Tensor,
    types: Tensor,
    norm: Norm,
}

/// The encoder: embeddings and `layers.len()` transformer layers, the last `trainable` of them
/// holding `Var`s.
pub struct TrainableBert {
    embeddings: Embeddings,
    layers: Vec<Layer>,
    trainable: usize,
    heads: usize,
    dtype: DType,
}

/// Where the tensors come from: a checkpoint, or seeded random values (tests).
pub(crate) enum Source<'a> {
    Checkpoint(&'a Weights),
    /// Only the gradient check builds encoders from random weights.
    #[cfg_attr(not(test), allow(dead_code))]
    Random {
        seed: u64,
    },
}

impl TrainableBert {
    /// Builds the encoder of `config` with its top `trainable` layers as variables.
    pub(crate) fn new(
        config: &Config,
        source: Source<'_>,
        trainable: usize,
        dtype: DType,
    ) -> anyhow::Result<TrainableBert> {
        let device = Device::Cpu;
        let h = config.hidden_size;
        let mut rng = match source {
            Source::Random { seed } => Some(SplitMix(seed)),
            Source::Checkpoint(_) => None,
        };
        let mut load = |name: &str, shape: &[usize]| -> anyhow::Result<Tensor> {
            let w = match (&source, rng.as_mut()) {
                (Source::Checkpoint(weights), _) => weights.shaped(name, shape)?,
                (_, Some(rng)) => Weight {
                    shape: shape.to_vec(),
                    data: (0..shape.iter().product::<usize>())
                        .map(|_| rng.uniform() * 0.5)
                        .collect(),
                },
                _ => unreachable!("a source without weights is random"),
            };
            Ok(Tensor::from_vec(w.data, w.shape, &device)?.to_dtype(dtype)?)
        };
        let eps = config.layer_norm_eps;
        let trainable = trainable.min(config.num_hidden_layers);
        let first_trained = config.num_hidden_layers - trainable;
        let mut param = |name: &str, shape: &[usize], train: bool| -> anyhow::Result<Param> {
            let t = load(name, shape)?;
            Ok(if train {
                Param::Trained(Var::from_tensor(&t)?)
            } else {
                Param::Frozen(t)
            })
        };
        let mut norm = |prefix: &str, train: bool| -> anyhow::Result<Norm> {
            Ok(Norm {
                gamma: param(&format!("{prefix}.weight"), &[h], train)?,
                beta: param(&format!("{prefix}.bias"), &[h], train)?,
                eps,
            })
        };
        let embeddings_norm = norm("embeddings.LayerNorm", false)?;
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let train = i >= first_trained;
            let names = layer_tensor_names(i);
            let shapes: [&[usize]; 16] = [
                &[h, h],
                &[h],
                &[h, h],
                &[h],
                &[h, h],
                &[h],
                &[h, h],
                &[h],
                &[config.intermediate_size, h],
                &[config.intermediate_size],
                &[h, config.intermediate_size],
                &[h],
                &[h],
                &[h],
                &[h],
                &[h],
            ];
            let mut p = names
                .iter()
                .zip(shapes)
                .map(|(n, s)| param(n, s, train))
                .collect::<anyhow::Result<Vec<Param>>>()?
                .into_iter();
            let mut dense = || Dense {
                weight: p.next().expect("16 tensors per layer"),
                bias: p.next().expect("16 tensors per layer"),
            };
            let (query, key, value, attention_out, intermediate, output) =
                (dense(), dense(), dense(), dense(), dense(), dense());
            let mut norm = || Norm {
                gamma: p.next().expect("16 tensors per layer"),
                beta: p.next().expect("16 tensors per layer"),
                eps,
            };
            let (attention_norm, output_norm) = (norm(), norm());
            layers.push(Layer {
                query,
                key,
                value,
                attention_out,
                attention_norm,
                intermediate,
                output,
                output_norm,
            });
        }
        let embeddings = Embeddings {
            words: load("embeddings.word_embeddings.weight", &[config.vocab_size, h])?,
            positions: load(
                "embeddings.position_embeddings.weight",
                &[config.max_position_embeddings, h],
            )?,
            types: load(
                "embeddings.token_type_embeddings.weight",
                &[config.type_vocab_size, h],
            )?,
            norm: embeddings_norm,
        };
        Ok(TrainableBert {
            embeddings,
            layers,
            trainable,
            heads: config.num_attention_heads,
            dtype,
        })
    }

    /// Hidden size.
    pub fn dims(&self) -> usize {
        self.embeddings.words.dim(1).unwrap_or(0)
    }

    /// The precision it computes in (f32 for training, f64 for the gradient check).
    pub fn dtype(&self) -> DType {
        self.dtype
    }

    /// How many top layers train.
    pub fn trainable_layers(&self) -> usize {
        self.trainable
    }

    /// The variables training updates.
    pub fn vars(&self) -> Vec<Var> {
        let first = self.layers.len() - self.trainable;
        let mut vars = Vec::new();
        for l in &self.layers[first..] {
            for d in [
                &l.query,
                &l.key,
                &l.value,
                &l.attention_out,
                &l.intermediate,
                &l.output,
            ] {
                for p in [&d.weight, &d.bias] {
                    if let Param::Trained(v) = p {
                        vars.push(v.clone());
                    }
                }
            }
            for n in [&l.attention_norm, &l.output_norm] {
                for p in [&n.gamma, &n.beta] {
                    if let Param::Trained(v) = p {
                        vars.push(v.clone());
                    }
                }
            }
        }
        vars
    }

    /// The trained layers' tensors under their checkpoint names, as f32 (what a stored model
    /// version keeps on top of the base weights).
    pub fn trained_weights(&self) -> anyhow::Result<Vec<(String, Weight)>> {
        let first = self.layers.len() - self.trainable;
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate().skip(first) {
            let tensors = [
                &l.query.weight,
                &l.query.bias,
                &l.key.weight,
                &l.key.bias,
                &l.value.weight,
                &l.value.bias,
                &l.attention_out.weight,
                &l.attention_out.bias,
                &l.intermediate.weight,
                &l.intermediate.bias,
                &l.output.weight,
                &l.output.bias,
                &l.attention_norm.gamma,
                &l.attention_norm.beta,
                &l.output_norm.gamma,
                &l.output_norm.beta,
            ];
            for (name, p) in layer_tensor_names(i).into_iter().zip(tensors) {
                let t = p.tensor().to_dtype(DType::F32)?;
                let shape = t.dims().to_vec();
                let data = t.flatten_all()?.to_vec1::<f32>()?;
                out.push((name, Weight { shape, data }));
            }
        }
        Ok(out)
    }

    /// The hidden states after the frozen layers for one batch (`[rows, width]` ids), with no
    /// gradient: computed once per text and reused every epoch.
    pub fn frozen_states(
        &self,
        ids: &Tensor,
        type_ids: &Tensor,
        mask: &Tensor,
    ) -> anyhow::Result<Tensor> {
        let width = ids.dim(1)?;
        let positions = Tensor::arange(0u32, width as u32, ids.device())?;
        let e = &self.embeddings;
        let x = e
            .words
            .embedding(&ids.flatten_all()?)?
            .reshape((ids.dim(0)?, width, ()))?
            .broadcast_add(&e.positions.embedding(&positions)?)?
            .add(&e.types.embedding(&type_ids.flatten_all()?)?.reshape((
                ids.dim(0)?,
                width,
                (),
            ))?)?;
        let mut x = e.norm.forward(&x)?;
        let bias = self.mask_bias(mask)?;
        let first = self.layers.len() - self.trainable;
        for l in &self.layers[..first] {
            x = self.layer(l, &x, &bias)?;
        }
        Ok(x.detach())
    }

    /// The trainable layers on top of `states`, then mean pooling over `mask` and L2
    /// normalisation: the sentence embedding, with gradients to every variable.
    pub fn embed(&self, states: &Tensor, mask: &Tensor) -> anyhow::Result<Tensor> {
        let bias = self.mask_bias(mask)?;
        let first = self.layers.len() - self.trainable;
        let mut x = states.clone();
        for l in &self.layers[first..] {
            x = self.layer(l, &x, &bias)?;
        }
        let m = mask.to_dtype(self.dtype)?.unsqueeze(2)?;
        let pooled = x
            .broadcast_mul(&m)?
            .sum(1)?
            .broadcast_div(&m.sum(1)?.clamp(1e-9, f64::MAX)?)?;
        let norm = pooled
            .sqr()?
            .sum_keepdim(D::Minus1)?
            .sqrt()?
            .clamp(1e-12, f64::MAX)?;
        Ok(pooled.broadcast_div(&norm)?)
    }

    /// `0` where the mask is 1 and a large negative number where it is 0, shaped `[rows, 1, 1,
    /// width]` to add to the attention scores.
    fn mask_bias(&self, mask: &Tensor) -> candle_core::Result<Tensor> {
        let m = mask.to_dtype(self.dtype)?;
        ((m - 1.0)? * 10_000.0)?.unsqueeze(1)?.unsqueeze(1)
    }

    fn layer(&self, l: &Layer, x: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
        let (rows, width, hidden) = x.dims3()?;
        let head = hidden / self.heads;
        let split = |t: Tensor| -> candle_core::Result<Tensor> {
            t.reshape((rows, width, self.heads, head))?
                .transpose(1, 2)?
                .contiguous()
        };
        let q = split(l.query.forward(x)?)?;
        let k = split(l.key.forward(x)?)?;
        let v = split(l.value.forward(x)?)?;
        let scores =
            (q.matmul(&k.t()?.contiguous()?)? / (head as f64).sqrt())?.broadcast_add(bias)?;
        let weights = candle_nn::ops::softmax(&scores, D::Minus1)?;
        let context = weights
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((rows, width, hidden))?;
        let attended = l
            .attention_norm
            .forward(&(l.attention_out.forward(&context)? + x)?)?;
        let inner = l.intermediate.forward(&attended)?.gelu_erf()?;
        l.output_norm
            .forward(&(l.output.forward(&inner)? + attended)?)
    }
}

/// A small deterministic generator for test weights (uniform in [-1, 1]).
struct SplitMix(u64);

impl SplitMix {
    fn uniform(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
}
