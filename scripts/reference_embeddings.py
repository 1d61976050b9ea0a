#!/usr/bin/env python3
"""Reference sentence embeddings from an independent NumPy forward pass (no torch, no candle).

Reads the same model folder as TicketLens (config.json, tokenizer.json, model.safetensors,
sentence_bert_config.json), runs BERT in float64 one sentence at a time (so no padding at all),
mean-pools over the tokens and L2-normalises, then writes
tests/fixtures/embeddings/all-minilm-l6-v2.json, which tests/it/embed.rs compares candle against.

Run (numpy and tokenizers from PyPI, in a throwaway venv):
    python3 -m venv /tmp/tl-venv && /tmp/tl-venv/bin/pip install numpy tokenizers
    . scripts/env.sh && /tmp/tl-venv/bin/python scripts/reference_embeddings.py "$TICKETLENS_MODEL_DIR"
"""
import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

SENTENCES = [
    "Hi",
    "",
    "The app crashes every time I open the settings page on Android 14 after the latest update.",
    "My order #48213 never arrived and tracking has said 'label created' for 9 days. Refund or resend?",
    "URGENT!!! You charged me TWICE for invoice INV-2024-0042 ($129.99) — please fix this ASAP",
    "Merci beaucoup ! Le problème est résolu 😊👍",
    "退款什么时候到账？",
    "Hello support team, since Monday our whole office (about 40 people) cannot log in to the "
    "dashboard: the SSO redirect loops back to the login page, clearing cookies does not help, "
    "and the status page says everything is operational. We have a board meeting tomorrow "
    "morning and need the quarterly export before then. Could you escalate this, please?",
]

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    """Parses the safetensors layout by hand: u64 header size, JSON header, raw little-endian data."""
    raw = Path(path).read_bytes()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(raw[base + start : base + end], dtype=DTYPES[info["dtype"]])
        # Some BERT folders prefix every name with "bert.".
        tensors[name.removeprefix("bert.")] = array.reshape(info["shape"]).astype(np.float64)
    return tensors


def layer_norm(x, w, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


erf = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


def dense(x, t, prefix):
    return x @ t[prefix + ".weight"].T + t[prefix + ".bias"]


def encode(t, cfg, ids, type_ids):
    eps = cfg["layer_norm_eps"]
    n = len(ids)
    x = t["embeddings.word_embeddings.weight"][ids]
    x = x + t["embeddings.position_embeddings.weight"][:n]
    x = x + t["embeddings.token_type_embeddings.weight"][type_ids]
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    heads = cfg["num_attention_heads"]
    head = cfg["hidden_size"] // heads
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q, k, v = (
            dense(x, t, p + f"attention.self.{m}").reshape(n, heads, head).transpose(1, 0, 2)
            for m in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(head)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        probs = scores / scores.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(1, 0, 2).reshape(n, heads * head)
        a = dense(ctx, t, p + "attention.output.dense") + x
        x = layer_norm(a, t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"], eps)
        h = gelu(dense(x, t, p + "intermediate.dense"))
        o = dense(h, t, p + "output.dense") + x
        x = layer_norm(o, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], eps)
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)


def main():
    model = Path(sys.argv[1] if len(sys.argv) > 1 else "")
    if not (model / "model.safetensors").is_file():
        sys.exit("usage: reference_embeddings.py MODEL_DIR (run `. scripts/env.sh` for $TICKETLENS_MODEL_DIR)")
    cfg = json.loads((model / "config.json").read_text())
    max_tokens = cfg["max_position_embeddings"]
    sbert = model / "sentence_bert_config.json"
    if sbert.is_file():
        max_tokens = min(max_tokens, json.loads(sbert.read_text()).get("max_seq_length", max_tokens))
    tok = Tokenizer.from_file(str(model / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_tokens)
    weights = read_safetensors(model / "model.safetensors")
    vectors = []
    for s in SENTENCES:
        enc = tok.encode(s)
        vectors.append([round(float(v), 6) for v in encode(weights, cfg, enc.ids, enc.type_ids)])
    out = Path(__file__).resolve().parent.parent / "tests/fixtures/embeddings/all-minilm-l6-v2.json"
    doc = {
        "generated_by": "scripts/reference_embeddings.py (NumPy float64, one sentence at a time)",
        "max_tokens": max_tokens,
        "dims": len(vectors[0]),
        "sentences": SENTENCES,
        "vectors": vectors,
    }
    # One vector per line keeps diffs readable when the model or the script changes.
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    for v in vectors:
        flat = json.dumps(v)
        text = text.replace(json.dumps(v, indent=1).replace("\n", "\n  "), flat, 1)
    out.write_text(text + "\n")
    print(f"wrote {out}: {len(vectors)} vectors of {len(vectors[0])} dims")


if __name__ == "__main__":
    main()
