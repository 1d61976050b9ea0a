//! The candle embedder against vectors from an independent NumPy forward pass of the same model.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use ticketlens::server::pipeline::embed::{bench, Embedder, Precision};

fn model_dir() -> PathBuf {
    let dir = std::env::var("TICKETLENS_MODEL_DIR").unwrap_or_else(|_| {
        panic!("TICKETLENS_MODEL_DIR is not set: run `scripts/setup.sh`, then `. scripts/env.sh`")
    });
    let dir = PathBuf::from(dir);
    assert!(
        dir.join("model.safetensors").is_file(),
        "no model in {} (TICKETLENS_MODEL_DIR): run `scripts/setup.sh` to fetch it",
        dir.display()
    );
    dir
}

/// Loaded once per test binary: the tests only read it.
fn embedder() -> &'static Embedder {
    static E: OnceLock<Embedder> = OnceLock::new();
    E.get_or_init(|| Embedder::load(&model_dir()).unwrap())
}

struct Fixture {
    sentences: Vec<String>,
    vectors: Vec<Vec<f32>>,
}

fn fixture() -> Fixture {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/embeddings/all-minilm-l6-v2.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    Fixture {
        sentences: serde_json::from_value(doc["sentences"].clone()).unwrap(),
        vectors: serde_json::from_value(doc["vectors"].clone()).unwrap(),
    }
}

/// The fixture sentences embedded together in one batch (mixed lengths, so padding is exercised);
/// computed once since debug builds of candle are slow.
fn in_one_batch() -> &'static Vec<Vec<f32>> {
    static V: OnceLock<Vec<Vec<f32>>> = OnceLock::new();
    V.get_or_init(|| {
        let f = fixture();
        let texts: Vec<&str> = f.sentences.iter().map(String::as_str).collect();
        embedder().embed(&texts).unwrap()
    })
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b))
}

#[test]
fn one_mixed_length_batch_matches_the_reference() {
    let f = fixture();
    let got = in_one_batch();
    assert_eq!(got.len(), f.vectors.len());
    for ((text, v), want) in f.sentences.iter().zip(got).zip(&f.vectors) {
        assert_eq!(v.len(), 384, "{text:?}");
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{text:?} has norm {norm}");
        let c = cosine(v, want);
        eprintln!("cosine {c:.6} with the reference: {text:?}");
        assert!(c >= 0.999, "{text:?}: cosine {c} with the reference");
    }
}

#[test]
fn a_sentence_alone_and_inside_a_batch_gives_the_same_vector() {
    let f = fixture();
    for (text, in_batch) in f.sentences.iter().zip(in_one_batch()) {
        let alone = embedder().embed(&[text.as_str()]).unwrap();
        let c = cosine(&alone[0], in_batch);
        eprintln!("cosine {c:.6} alone vs in a batch: {text:?}");
        assert!(c >= 0.9999, "{text:?}: cosine {c} alone vs in a batch");
    }
}

#[test]
fn many_small_batches_come_back_in_input_order() {
    let f = fixture();
    let texts: Vec<&str> = f.sentences.iter().rev().map(String::as_str).collect();
    let got = embedder().embed_with_batch(&texts, 3).unwrap();
    for ((text, v), want) in texts.iter().zip(&got).zip(f.vectors.iter().rev()) {
        let c = cosine(v, want);
        assert!(c >= 0.999, "{text:?}: cosine {c} with the reference");
    }
}

#[test]
fn limits_and_edge_cases() {
    let e = embedder();
    assert_eq!((e.dims(), e.max_tokens()), (384, 256));
    assert!(e.embed(&[]).unwrap().is_empty());
    let long = "the refund still has not arrived ".repeat(200);
    assert_eq!(e.token_lengths(&[&long, ""]).unwrap(), vec![256, 2]);
    let v = e.embed(&[&long]).unwrap();
    assert_eq!((v.len(), v[0].len()), (1, 384));
    assert!(!e.model_name().is_empty());
}

#[test]
fn a_folder_without_weights_is_reported_by_file_name() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["config.json", "tokenizer.json"] {
        std::fs::copy(model_dir().join(name), dir.path().join(name)).unwrap();
    }
    let err = format!("{:#}", Embedder::load(dir.path()).err().unwrap());
    assert!(err.contains("model.safetensors"), "{err}");
}

#[test]
fn the_opt_in_q8_embedder_stays_close_to_the_reference() {
    let f = fixture();
    let q8 = Embedder::load_with(&model_dir(), Precision::Q8).unwrap();
    let texts: Vec<&str> = f.sentences.iter().map(String::as_str).collect();
    let got = q8.embed(&texts).unwrap();
    for ((text, v), want) in texts.iter().zip(&got).zip(&f.vectors) {
        let c = cosine(v, want);
        eprintln!("q8 cosine {c:.6} with the reference: {text:?}");
        assert!(c >= 0.99, "{text:?}: q8 cosine {c} with the reference");
    }
    let alone = q8.embed(&[texts[2]]).unwrap();
    assert!(cosine(&alone[0], &got[2]) >= 0.9999);
}

/// Throughput, for a release build only: one text per line in TICKETLENS_BENCH_TEXTS, e.g.
/// `scripts/onnx_embed_bench.py --write-sample-texts /tmp/texts.txt` then
/// `cargo test --release --features ssr --test it -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    let path = std::env::var("TICKETLENS_BENCH_TEXTS")
        .expect("set TICKETLENS_BENCH_TEXTS to a file of texts");
    let all = std::fs::read_to_string(path).unwrap();
    let texts: Vec<&str> = all.lines().filter(|l| !l.trim().is_empty()).collect();
    let batch = std::env::var("TICKETLENS_BENCH_BATCH").map_or(32, |b| b.parse().unwrap());
    for precision in [Precision::F32, Precision::Q8] {
        let e = Embedder::load_with(&model_dir(), precision).unwrap();
        bench(&e, &texts[..texts.len().min(64)], batch).unwrap(); // warm-up
        let r = bench(&e, &texts, batch).unwrap();
        println!("{precision:?} {}", serde_json::to_string(&r).unwrap());
    }
}
