#!/usr/bin/env python3
"""Embedder throughput with onnxruntime on the same model, for comparison with candle.

Builds an ONNX graph of the BERT model straight from model.safetensors with the `onnx` package
(no torch, no export), optionally an int8 copy via onnxruntime.quantization.quantize_dynamic,
checks both against tests/fixtures/embeddings/all-minilm-l6-v2.json (cosine), then times them
over the texts of a file (one per line) like the candle embedder does: tokenise everything,
sort by token count, batches of 32 padded to their longest text, 2 threads. Prints JSON lines.

Run (packages from PyPI, in a throwaway venv):
    python3 -m venv /tmp/tl-venv && /tmp/tl-venv/bin/pip install numpy tokenizers onnx onnxruntime
    . scripts/env.sh
    /tmp/tl-venv/bin/python scripts/onnx_embed_bench.py --write-sample-texts /tmp/texts.txt
    /tmp/tl-venv/bin/python scripts/onnx_embed_bench.py "$TICKETLENS_MODEL_DIR" /tmp/texts.txt
"""
import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_embeddings import read_safetensors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/embeddings/all-minilm-l6-v2.json"


class Graph:
    """Collects nodes and float32 initializers; `op` returns the name of its single output."""

    def __init__(self):
        self.nodes, self.inits, self.n = [], [], 0
        # Attention's activation-by-activation products: kept in float when quantising.
        self.activation_matmuls = []

    def const(self, value, dtype=np.float32):
        self.n += 1
        name = f"c{self.n}"
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def op(self, kind, *inputs, **attrs):
        self.n += 1
        out = f"{kind.lower()}{self.n}"
        self.nodes.append(helper.make_node(kind, list(inputs), [out], name=out, **attrs))
        return out

    def dense(self, x, w, b):
        # x · wᵀ + b with wᵀ stored as an initializer, so quantize_dynamic sees a plain MatMul.
        return self.op("Add", self.op("MatMul", x, self.const(w.T)), self.const(b))

    def norm(self, x, t, prefix, eps):
        return self.op("LayerNormalization", x, self.const(t[prefix + ".weight"]),
                       self.const(t[prefix + ".bias"]), axis=-1, epsilon=eps)


def build(model_dir, out_path):
    cfg = json.loads((model_dir / "config.json").read_text())
    t = read_safetensors(model_dir / "model.safetensors")
    g, eps = Graph(), cfg["layer_norm_eps"]
    h, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    hd = h // heads
    seq_len = g.op("Slice", g.op("Shape", "input_ids"), g.const([1], np.int64), g.const([2], np.int64))
    pos = g.op("Slice", g.const(t["embeddings.position_embeddings.weight"]), g.const([0], np.int64), seq_len,
               g.const([0], np.int64))
    x = g.op("Add", g.op("Gather", g.const(t["embeddings.word_embeddings.weight"]), "input_ids"),
             g.op("Gather", g.const(t["embeddings.token_type_embeddings.weight"]), "token_type_ids"))
    x = g.norm(g.op("Add", x, pos), t, "embeddings.LayerNorm", eps)
    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    bias = g.op("Unsqueeze", g.op("Mul", g.op("Sub", mask, g.const(1.0)), g.const(1e9)), g.const([1, 2], np.int64))
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        w = np.concatenate([t[p + f"attention.self.{m}.weight"] for m in ("query", "key", "value")])
        b = np.concatenate([t[p + f"attention.self.{m}.bias"] for m in ("query", "key", "value")])
        qkv = g.op("Transpose", g.op("Reshape", g.dense(x, w, b), g.const([0, 0, 3, heads, hd], np.int64)),
                   perm=[2, 0, 3, 1, 4])
        q, k, v = (g.op("Gather", qkv, g.const(j, np.int64), axis=0) for j in range(3))
        qk = g.op("MatMul", q, g.op("Transpose", k, perm=[0, 1, 3, 2]))
        probs = g.op("Softmax", g.op("Add", g.op("Mul", qk, g.const(hd ** -0.5)), bias), axis=-1)
        pv = g.op("MatMul", probs, v)
        g.activation_matmuls += [qk, pv]
        ctx = g.op("Reshape", g.op("Transpose", pv, perm=[0, 2, 1, 3]), g.const([0, 0, h], np.int64))
        a = g.dense(ctx, t[p + "attention.output.dense.weight"], t[p + "attention.output.dense.bias"])
        a = g.norm(g.op("Add", a, x), t, p + "attention.output.LayerNorm", eps)
        u = g.dense(a, t[p + "intermediate.dense.weight"], t[p + "intermediate.dense.bias"])
        gelu = g.op("Mul", g.op("Mul", u, g.const(0.5)),
                    g.op("Add", g.const(1.0), g.op("Erf", g.op("Mul", u, g.const(2 ** -0.5)))))
        o = g.dense(gelu, t[p + "output.dense.weight"], t[p + "output.dense.bias"])
        x = g.norm(g.op("Add", o, a), t, p + "output.LayerNorm", eps)
    m3 = g.op("Unsqueeze", mask, g.const([2], np.int64))
    summed = g.op("ReduceSum", g.op("Mul", x, m3), g.const([1], np.int64), keepdims=0)
    mean = g.op("Div", summed, g.op("ReduceSum", m3, g.const([1], np.int64), keepdims=0))
    g.nodes.append(helper.make_node("LpNormalization", [mean], ["embeddings"], axis=1, p=2))
    ins = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
           for n in ("input_ids", "token_type_ids", "attention_mask")]
    out = [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", h])]
    graph = helper.make_graph(g.nodes, "sentence_bert", ins, out, g.inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(out_path))
    return g.activation_matmuls


def tokenizer(model_dir):
    cfg = json.loads((model_dir / "config.json").read_text())
    limit = cfg["max_position_embeddings"]
    sbert = model_dir / "sentence_bert_config.json"
    if sbert.is_file():
        limit = min(limit, json.loads(sbert.read_text()).get("max_seq_length", limit))
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=limit)
    return tok


def embed(session, tok, texts, batch):
    """Vectors in input order; texts sorted by token count, each batch padded to its longest."""
    encs = tok.encode_batch(texts)
    order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
    out = np.zeros((len(texts), session.get_outputs()[0].shape[1]), dtype=np.float32)
    padded = 0
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        width = max(len(encs[i].ids) for i in idx)
        padded += width * len(idx)
        feed = {n: np.zeros((len(idx), width), dtype=np.int64)
                for n in ("input_ids", "token_type_ids", "attention_mask")}
        for row, i in enumerate(idx):
            e = encs[i]
            feed["input_ids"][row, : len(e.ids)] = e.ids
            feed["token_type_ids"][row, : len(e.ids)] = e.type_ids
            feed["attention_mask"][row, : len(e.ids)] = 1
        out[idx] = session.run(["embeddings"], feed)[0]
    return out, sum(len(e.ids) for e in encs), padded


def session_for(path, threads):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def write_sample_texts(path, n):
    """Short support-ticket texts, deterministic, for throughput runs of both engines."""
    rnd = random.Random(7)
    who = ["Hi,", "Hello team,", "Urgent:", "", "Good morning,", "Hey,"]
    what = ["my order", "the invoice", "the mobile app", "my account", "the refund", "the export",
            "password reset", "the dashboard", "two-factor login", "the subscription"]
    issue = ["has not arrived yet", "shows the wrong amount", "crashes on start", "is locked",
             "was charged twice", "times out", "never sends the email", "is very slow today",
             "does not load", "was cancelled without notice"]
    tail = ["", "Please help.", "Can you check?", "Thanks!", "This is the second time.",
            "Order #{}.", "Since {} days.", "I need this fixed today."]
    lines = []
    for _ in range(n):
        t = rnd.choice(tail).format(rnd.randint(1000, 99999))
        lines.append(" ".join(w for w in (rnd.choice(who), rnd.choice(what), rnd.choice(issue) + ".", t) if w))
    Path(path).write_text("\n".join(lines) + "\n")
    print(f"wrote {n} texts to {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model_dir", nargs="?", type=Path)
    ap.add_argument("texts", nargs="?", type=Path, help="one text per line")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--variants", default="fp32,int8,int8-per-channel")
    ap.add_argument("--write-sample-texts", type=Path, metavar="PATH")
    ap.add_argument("--count", type=int, default=1024, help="texts for --write-sample-texts")
    a = ap.parse_args()
    if a.write_sample_texts:
        return write_sample_texts(a.write_sample_texts, a.count)
    if not a.model_dir or not a.texts:
        ap.error("MODEL_DIR and TEXTS are required")
    import logging

    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic's advice to pre-process

    texts = [line for line in a.texts.read_text().splitlines() if line.strip()]
    ref = json.loads(FIXTURE.read_text())
    tok = tokenizer(a.model_dir)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        build(a.model_dir, fp32)
        paths = {"fp32": fp32}
        # int8: quantize_dynamic's defaults (one scale per weight matrix); int8-per-channel: one
        # scale per output row, much closer to fp32 on this model.
        for name, per_channel in (("int8", False), ("int8-per-channel", True)):
            if name in a.variants.split(","):
                paths[name] = Path(tmp) / f"{name}.onnx"
                quantize_dynamic(str(fp32), str(paths[name]), weight_type=QuantType.QInt8, per_channel=per_channel)
        for name in a.variants.split(","):
            sess = session_for(paths[name], a.threads)
            got, _, _ = embed(sess, tok, ref["sentences"], a.batch)
            cos = (got * np.asarray(ref["vectors"])).sum(1) / np.linalg.norm(ref["vectors"], axis=1)
            embed(sess, tok, texts[:64], a.batch)  # warm-up
            start = time.perf_counter()
            vecs, tokens, padded = embed(sess, tok, texts, a.batch)
            secs = time.perf_counter() - start
            print(json.dumps({
                "engine": f"onnxruntime {ort.__version__}", "variant": name, "sentences": len(vecs),
                "batch": a.batch, "threads": a.threads, "seconds": round(secs, 3),
                "sentences_per_sec": round(len(vecs) / secs, 1), "tokens_per_sec": round(tokens / secs, 1),
                "tokens": tokens, "padded_tokens": padded, "min_cosine_vs_reference": round(float(cos.min()), 6),
            }))


if __name__ == "__main__":
    main()
