//! An opt-in BERT encoder whose linear layers run as 8-bit (Q8_0) quantised matmuls.

use anyhow::Context;
use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{DType, Module, Tensor};
use candle_nn::{embedding, layer_norm, Embedding, LayerNorm, VarBuilder};
use candle_transformers::models::bert::{Config, HiddenAct};

/// `x · wᵀ + b` with `w` quantised to Q8_0 (blocks of 32 weights sharing one scale).
struct Dense {
    w: QMatMul,
    b: Tensor,
}

impl Dense {
    /// Loads the weights of each prefix and stacks them into one layer (used to fuse Q, K and V).
    fn load(
        vb: &VarBuilder,
        prefixes: &[&str],
        out: usize,
        inp: usize,
    ) -> candle_core::Result<Dense> {
        let mut ws = Vec::with_capacity(prefixes.len());
        let mut bs = Vec::with_capacity(prefixes.len());
        for p in prefixes {
            ws.push(vb.pp(p).get((out, inp), "weight")?);
            bs.push(vb.pp(p).get(out, "bias")?);
        }
        let w = QTensor::quantize(&Tensor::cat(&ws, 0)?, GgmlDType::Q8_0)?;
        Ok(Dense {
            w: QMatMul::from_qtensor(w)?,
            b: Tensor::cat(&bs, 0)?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        self.w.forward(x)?.broadcast_add(&self.b)
    }
}

struct Layer {
    qkv: Dense,
    attn_out: Dense,
    attn_norm: LayerNorm,
    inter: Dense,
    out: Dense,
    out_norm: LayerNorm,
}

/// BERT's encoder (embeddings and transformer layers) with quantised linear layers.
pub(crate) struct QuantBert {
    words: Embedding,
    positions: Embedding,
    types: Embedding,
    norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
}

impl QuantBert {
    pub(crate) fn load(vb: VarBuilder, c: &Config) -> anyhow::Result<QuantBert> {
        if c.hidden_act != HiddenAct::Gelu {
            anyhow::bail!("the quantised encoder supports hidden_act \"gelu\" only");
        }
        let vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            vb.pp("bert")
        } else {
            vb
        };
        let (h, eps) = (c.hidden_size, c.layer_norm_eps);
        let e = vb.pp("embeddings");
        let mut layers = Vec::with_capacity(c.num_hidden_layers);
        for i in 0..c.num_hidden_layers {
            let l = vb.pp(format!("encoder.layer.{i}"));
            let a = l.pp("attention");
            let qkv = ["self.query", "self.key", "self.value"];
            layers.push(Layer {
                qkv: Dense::load(&a, &qkv, h, h)?,
                attn_out: Dense::load(&a, &["output.dense"], h, h)?,
                attn_norm: layer_norm(h, eps, a.pp("output.LayerNorm"))?,
                inter: Dense::load(&l, &["intermediate.dense"], c.intermediate_size, h)?,
                out: Dense::load(&l, &["output.dense"], h, c.intermediate_size)?,
                out_norm: layer_norm(h, eps, l.pp("output.LayerNorm"))?,
            });
        }
        Ok(QuantBert {
            words: embedding(c.vocab_size, h, e.pp("word_embeddings"))?,
            positions: embedding(c.max_position_embeddings, h, e.pp("position_embeddings"))?,
            types: embedding(c.type_vocab_size, h, e.pp("token_type_embeddings"))?,
            norm: layer_norm(h, eps, e.pp("LayerNorm"))?,
            layers,
            heads: c.num_attention_heads,
        })
    }

    /// Hidden states `(batch, tokens, hidden)`; `mask` is 1 for real tokens, 0 for padding.
    pub(crate) fn forward(
        &self,
        ids: &Tensor,
        type_ids: &Tensor,
        mask: &Tensor,
    ) -> anyhow::Result<Tensor> {
        let (b, t) = ids.dims2()?;
        let positions = Tensor::arange(0u32, t as u32, ids.device())?;
        let x = self
            .words
            .forward(ids)?
            .add(&self.types.forward(type_ids)?)?;
        let mut x = self
            .norm
            .forward(&x.broadcast_add(&self.positions.forward(&positions)?)?)?;
        // Padding gets a large negative score so softmax gives it no weight.
        let bias = ((mask.to_dtype(DType::F32)? - 1.0)? * 1e9)?.reshape((b, 1, 1, t))?;
        for layer in &self.layers {
            x = self
                .layer(layer, &x, &bias)
                .context("running a quantised layer")?;
        }
        Ok(x)
    }

    fn layer(&self, l: &Layer, x: &Tensor, bias: &Tensor) -> candle_core::Result<Tensor> {
        let (b, t, h) = x.dims3()?;
        let hd = h / self.heads;
        let qkv = l
            .qkv
            .forward(x)?
            .reshape((b, t, 3, self.heads, hd))?
            .permute((2, 0, 3, 1, 4))?;
        let q = qkv.get(0)?.contiguous()?;
        let k = qkv.get(1)?.contiguous()?;
        let v = qkv.get(2)?.contiguous()?;
        let scores = (q.matmul(&k.t()?)? / (hd as f64).sqrt())?.broadcast_add(bias)?;
        let probs = candle_nn::ops::softmax_last_dim(&scores)?;
        let ctx = probs.matmul(&v)?.transpose(1, 2)?.reshape((b, t, h))?;
        let a = l.attn_norm.forward(&(l.attn_out.forward(&ctx)? + x)?)?;
        let inter = l.inter.forward(&a)?.gelu_erf()?;
        l.out_norm.forward(&(l.out.forward(&inter)? + a)?)
    }
}
