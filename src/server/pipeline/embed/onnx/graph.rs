//! The sentence-embedding ONNX graph of a BERT-family model, written from its safetensors weights:
//! encoder, mean pooling over the attention mask and L2 normalisation, in fp32 or int8.

use super::proto::{self, Attr, DataType, Dim, Message};
use super::weights::{quantize_per_channel, transpose, Weights};
use anyhow::bail;
use candle_transformers::models::bert::{Config, HiddenAct};

/// How the linear layers' weights are stored in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weighting {
    /// As shipped.
    F32,
    /// int8 with one scale per output channel, activations quantised per batch at run time
    /// (`DynamicQuantizeMatMul`); the second feed-forward matmul stays f32 when `fc2_f32`.
    Int8 { fc2_f32: bool },
}

/// Nodes and initialisers collected while the graph is written.
struct Graph {
    nodes: Vec<Message>,
    inits: Vec<Message>,
    next: usize,
    weighting: Weighting,
}

impl Graph {
    fn name(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }

    fn init(&mut self, dims: &[usize], data_type: DataType, raw: Vec<u8>) -> String {
        let name = self.name("w");
        let dims: Vec<i64> = dims.iter().map(|&d| d as i64).collect();
        self.inits
            .push(proto::tensor(&name, &dims, data_type, &raw));
        name
    }

    fn f32s(&mut self, dims: &[usize], data: &[f32]) -> String {
        let raw = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.init(dims, DataType::Float, raw)
    }

    fn scalar(&mut self, v: f32) -> String {
        self.f32s(&[], &[v])
    }

    fn i64s(&mut self, data: &[i64]) -> String {
        let raw = data.iter().flat_map(|v| v.to_le_bytes()).collect();
        self.init(&[data.len()], DataType::Int64, raw)
    }

    /// An operator of ONNX's own domain with one output, whose name it returns.
    fn op(&mut self, op: &str, inputs: &[&str], attrs: &[(&str, Attr)]) -> String {
        self.op_in("", op, inputs, attrs)
    }

    /// An operator with `n` outputs, whose names it returns.
    fn op_multi(
        &mut self,
        op: &str,
        inputs: &[&str],
        attrs: &[(&str, Attr)],
        n: usize,
    ) -> Vec<String> {
        let base = self.name(&op.to_lowercase());
        let outputs: Vec<String> = (0..n).map(|i| format!("{base}_{i}")).collect();
        let inputs: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
        self.nodes
            .push(proto::node(op, "", &base, &inputs, &outputs, attrs));
        outputs
    }

    fn op_in(&mut self, domain: &str, op: &str, inputs: &[&str], attrs: &[(&str, Attr)]) -> String {
        let out = self.name(&op.to_lowercase());
        let inputs: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
        self.nodes.push(proto::node(
            op,
            domain,
            &out,
            &inputs,
            std::slice::from_ref(&out),
            attrs,
        ));
        out
    }

    /// `x · wᵀ + b` for a `[out, in]` weight, in the graph's weighting unless `force_f32`.
    fn dense(
        &mut self,
        x: &str,
        weights: &Weights,
        prefix: &str,
        shape: [usize; 2],
        force_f32: bool,
    ) -> anyhow::Result<String> {
        let w = weights.shaped(&format!("{prefix}.weight"), &shape)?;
        let b = weights.shaped(&format!("{prefix}.bias"), &shape[..1])?;
        self.dense_from(x, &w, &b.data, force_f32)
    }

    fn dense_from(
        &mut self,
        x: &str,
        w: &super::weights::Weight,
        bias: &[f32],
        force_f32: bool,
    ) -> anyhow::Result<String> {
        let (out, inp) = (w.shape[0], w.shape[1]);
        let bias = self.f32s(&[out], bias);
        if force_f32 || self.weighting == Weighting::F32 {
            let wt = self.f32s(&[inp, out], &transpose(w));
            let y = self.op("MatMul", &[x, &wt], &[]);
            return Ok(self.op("Add", &[&y, &bias], &[]));
        }
        let (q, scales) = quantize_per_channel(w);
        let qw = self.init(
            &[inp, out],
            DataType::Int8,
            q.iter().map(|&v| v as u8).collect(),
        );
        let scales = self.f32s(&[out], &scales);
        // Inputs: A, B, b_scale, b_zero_point (none: symmetric), bias.
        Ok(self.op_in(
            "com.microsoft",
            "DynamicQuantizeMatMul",
            &[x, &qw, &scales, "", &bias],
            &[],
        ))
    }

    fn layer_norm(
        &mut self,
        x: &str,
        weights: &Weights,
        prefix: &str,
        h: usize,
        eps: f64,
    ) -> anyhow::Result<String> {
        let g = weights.shaped(&format!("{prefix}.weight"), &[h])?;
        let b = weights.shaped(&format!("{prefix}.bias"), &[h])?;
        let g = self.f32s(&[h], &g.data);
        let b = self.f32s(&[h], &b.data);
        Ok(self.op(
            "LayerNormalization",
            &[x, &g, &b],
            &[
                ("axis", Attr::Int(-1)),
                ("epsilon", Attr::Float(eps as f32)),
            ],
        ))
    }
}

/// The whole model as ONNX bytes: inputs `input_ids`, `token_type_ids`, `attention_mask` (int64,
/// `[batch, tokens]`), output `embeddings` (`[batch, hidden]`, unit length).
pub(crate) fn build(
    config: &Config,
    weights: &Weights,
    weighting: Weighting,
) -> anyhow::Result<Vec<u8>> {
    if !matches!(config.hidden_act, HiddenAct::Gelu) {
        bail!("only BERT models with the exact (erf) GELU activation can run on ONNX Runtime here");
    }
    let h = config.hidden_size;
    let heads = config.num_attention_heads;
    if heads == 0 || !h.is_multiple_of(heads) {
        bail!("hidden_size {h} is not a multiple of num_attention_heads {heads}");
    }
    let eps = config.layer_norm_eps;
    let mut g = Graph {
        nodes: vec![],
        inits: vec![],
        next: 0,
        weighting,
    };

    // Embeddings: words + token types + positions 0..tokens, then LayerNorm.
    let word = weights.shaped("embeddings.word_embeddings.weight", &[config.vocab_size, h])?;
    let types = weights.shaped(
        "embeddings.token_type_embeddings.weight",
        &[config.type_vocab_size, h],
    )?;
    let pos = weights.shaped(
        "embeddings.position_embeddings.weight",
        &[config.max_position_embeddings, h],
    )?;
    let word = g.f32s(&word.shape, &word.data);
    let types = g.f32s(&types.shape, &types.data);
    let pos = g.f32s(&pos.shape, &pos.data);
    let (one, two, zero) = (g.i64s(&[1]), g.i64s(&[2]), g.i64s(&[0]));
    let shape = g.op("Shape", &["input_ids"], &[]);
    let tokens = g.op("Slice", &[&shape, &one, &two], &[]);
    let positions = g.op("Slice", &[&pos, &zero, &tokens, &zero], &[]);
    let w = g.op("Gather", &[&word, "input_ids"], &[]);
    let t = g.op("Gather", &[&types, "token_type_ids"], &[]);
    let x = g.op("Add", &[&w, &t], &[]);
    let x = g.op("Add", &[&x, &positions], &[]);
    let mut x = g.layer_norm(&x, weights, "embeddings.LayerNorm", h, eps)?;

    let mask = g.op(
        "Cast",
        &["attention_mask"],
        &[("to", Attr::Int(DataType::Float as i64))],
    );
    let one_f = g.scalar(1.0);
    let split = g.i64s(&[h as i64; 3]);
    let mask_i32 = g.op(
        "Cast",
        &["attention_mask"],
        &[("to", Attr::Int(DataType::Int32 as i64))],
    );
    let (half, sqrt_half) = (g.scalar(0.5), g.scalar(std::f32::consts::FRAC_1_SQRT_2));
    let inner = config.intermediate_size;

    for i in 0..config.num_hidden_layers {
        let p = format!("encoder.layer.{i}");
        // Query, key and value in one matmul: [batch, tokens, 3 · hidden].
        let mut wqkv = super::weights::Weight {
            shape: vec![3 * h, h],
            data: Vec::with_capacity(3 * h * h),
        };
        let mut bqkv = Vec::with_capacity(3 * h);
        for m in ["query", "key", "value"] {
            wqkv.data.extend(
                weights
                    .shaped(&format!("{p}.attention.self.{m}.weight"), &[h, h])?
                    .data,
            );
            bqkv.extend(
                weights
                    .shaped(&format!("{p}.attention.self.{m}.bias"), &[h])?
                    .data,
            );
        }
        let qkv = g.dense_from(&x, &wqkv, &bqkv, false)?;
        // ONNX Runtime's fused multi-head attention: scaled dot products, the padding mask,
        // softmax and the weighted sum in one kernel.
        let parts = g.op_multi("Split", &[&qkv, &split], &[("axis", Attr::Int(2))], 3);
        let ctx = g.op_in(
            "com.microsoft",
            "MultiHeadAttention",
            &[&parts[0], &parts[1], &parts[2], "", &mask_i32],
            &[("num_heads", Attr::Int(heads as i64))],
        );
        let a = g.dense(
            &ctx,
            weights,
            &format!("{p}.attention.output.dense"),
            [h, h],
            false,
        )?;
        let a = g.op("Add", &[&a, &x], &[]);
        let a = g.layer_norm(
            &a,
            weights,
            &format!("{p}.attention.output.LayerNorm"),
            h,
            eps,
        )?;
        // Feed-forward with the exact GELU: 0.5 · u · (1 + erf(u / √2)).
        let u = g.dense(
            &a,
            weights,
            &format!("{p}.intermediate.dense"),
            [inner, h],
            false,
        )?;
        let scaled = g.op("Mul", &[&u, &sqrt_half], &[]);
        let erf = g.op("Erf", &[&scaled], &[]);
        let erf1 = g.op("Add", &[&erf, &one_f], &[]);
        let uh = g.op("Mul", &[&u, &half], &[]);
        let gelu = g.op("Mul", &[&uh, &erf1], &[]);
        let fc2_f32 = matches!(weighting, Weighting::Int8 { fc2_f32: true });
        let o = g.dense(
            &gelu,
            weights,
            &format!("{p}.output.dense"),
            [h, inner],
            fc2_f32,
        )?;
        let o = g.op("Add", &[&o, &a], &[]);
        x = g.layer_norm(&o, weights, &format!("{p}.output.LayerNorm"), h, eps)?;
    }

    // Mean over the real tokens, then unit length.
    let axis2 = g.i64s(&[2]);
    let axis1 = g.i64s(&[1]);
    let m3 = g.op("Unsqueeze", &[&mask, &axis2], &[]);
    let masked = g.op("Mul", &[&x, &m3], &[]);
    let summed = g.op(
        "ReduceSum",
        &[&masked, &axis1],
        &[("keepdims", Attr::Int(0))],
    );
    let counts = g.op("ReduceSum", &[&m3, &axis1], &[("keepdims", Attr::Int(0))]);
    let mean = g.op("Div", &[&summed, &counts], &[]);
    g.nodes.push(proto::node(
        "LpNormalization",
        "",
        "embeddings",
        &[mean],
        &["embeddings".to_string()],
        &[("axis", Attr::Int(1)), ("p", Attr::Int(2))],
    ));

    let mut graph = Message::new();
    for n in g.nodes {
        graph.message(1, n);
    }
    graph.string(2, "sentence_embedding");
    for t in g.inits {
        graph.message(5, t);
    }
    let dims = [Dim::Named("batch"), Dim::Named("tokens")];
    for input in ["input_ids", "token_type_ids", "attention_mask"] {
        graph.message(11, proto::value_info(input, DataType::Int64, &dims));
    }
    let out_dims = [Dim::Named("batch"), Dim::Fixed(h as i64)];
    graph.message(
        12,
        proto::value_info("embeddings", DataType::Float, &out_dims),
    );
    Ok(proto::model(
        graph,
        vec![proto::opset("", 17), proto::opset("com.microsoft", 1)],
    ))
}
