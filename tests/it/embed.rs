//! The embedders (candle, ONNX Runtime fp32 and int8) against vectors from an independent NumPy
//! forward pass of the same model, and against each other on demo tickets.

use crate::common::{embedder_config, model_dir};
use std::path::Path;
use std::sync::OnceLock;
use ticketlens::server::pipeline::embed::{bench, EmbedQueue, EmbedRuntime, Embedder};

/// The candle fp32 embedder, the reference: loaded once per test binary (the tests only read it).
fn embedder() -> &'static Embedder {
    static E: OnceLock<Embedder> = OnceLock::new();
    E.get_or_init(|| Embedder::load(&embedder_config().with_runtime(EmbedRuntime::Candle)).unwrap())
}

fn onnx(runtime: EmbedRuntime) -> &'static Embedder {
    static F32: OnceLock<Embedder> = OnceLock::new();
    static INT8: OnceLock<Embedder> = OnceLock::new();
    let cell = if runtime == EmbedRuntime::OnnxF32 {
        &F32
    } else {
        &INT8
    };
    cell.get_or_init(|| Embedder::load(&embedder_config().with_runtime(runtime)).unwrap())
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
    for runtime in [EmbedRuntime::Candle, EmbedRuntime::OnnxInt8] {
        let mut config = embedder_config().with_runtime(runtime);
        config.model_dir = dir.path().to_path_buf();
        let err = format!("{:#}", Embedder::load(&config).err().unwrap());
        assert!(err.contains("model.safetensors"), "{err}");
    }
}

#[test]
fn a_missing_onnx_runtime_is_one_sentence_with_the_fix() {
    let mut config = embedder_config();
    config.onnxruntime = "/nonexistent/libonnxruntime.so.1.32.0".into();
    let err = format!("{:#}", Embedder::load(&config).err().unwrap());
    assert_eq!(
        err,
        "ONNX Runtime is not installed: /nonexistent/libonnxruntime.so.1.32.0 does not exist (run \
         scripts/setup.sh, or set TICKETLENS_ONNXRUNTIME to a libonnxruntime.so of version 1.31 or \
         newer)"
    );
    // The candle runtime needs no library.
    let candle = Embedder::load(&config.with_runtime(EmbedRuntime::Candle)).unwrap();
    assert_eq!(candle.runtime(), EmbedRuntime::Candle);
}

/// Mean and minimum cosine of `got` against `want`, row by row.
fn cosines(got: &[Vec<f32>], want: &[Vec<f32>]) -> (f32, f32) {
    assert_eq!(got.len(), want.len());
    let all: Vec<f32> = got.iter().zip(want).map(|(a, b)| cosine(a, b)).collect();
    let mean = all.iter().sum::<f32>() / all.len() as f32;
    (mean, all.iter().copied().fold(f32::INFINITY, f32::min))
}

#[test]
fn onnx_fp32_matches_the_reference_alone_and_in_a_batch() {
    let f = fixture();
    let texts: Vec<&str> = f.sentences.iter().map(String::as_str).collect();
    let e = onnx(EmbedRuntime::OnnxF32);
    assert_eq!((e.dims(), e.max_tokens()), (384, 256));
    let got = e.embed(&texts).unwrap();
    for ((text, v), want) in texts.iter().zip(&got).zip(&f.vectors) {
        let c = cosine(v, want);
        eprintln!("onnx fp32 cosine {c:.6} with the reference: {text:?}");
        assert!(c >= 0.999, "{text:?}: cosine {c} with the reference");
        let alone = e.embed(&[text]).unwrap();
        assert!(cosine(&alone[0], v) >= 0.9999, "{text:?} alone differs");
    }
}

#[test]
fn onnx_int8_stays_close_to_the_reference() {
    let f = fixture();
    let texts: Vec<&str> = f.sentences.iter().map(String::as_str).collect();
    let got = onnx(EmbedRuntime::OnnxInt8).embed(&texts).unwrap();
    let (mean, min) = cosines(&got, &f.vectors);
    eprintln!("onnx int8 on the fixture: mean cosine {mean:.4}, min {min:.4}");
    assert!(mean >= 0.99 && min >= 0.98, "mean {mean}, min {min}");
    // The opt-in all-int8 graph trades some of that for speed (docs/benchmarks.md).
    let full = Embedder::load(&embedder_config().with_runtime(EmbedRuntime::OnnxInt8Full)).unwrap();
    let (mean, min) = cosines(&full.embed(&texts).unwrap(), &f.vectors);
    eprintln!("onnx int8-full on the fixture: mean cosine {mean:.4}, min {min:.4}");
    assert!(mean >= 0.98 && min >= 0.97, "mean {mean}, min {min}");
}

/// Positions of the `k` nearest other rows of `i` by cosine (rows are unit vectors).
fn neighbours(vectors: &[Vec<f32>], i: usize, k: usize) -> Vec<usize> {
    let mut scored: Vec<(f32, usize)> = vectors
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != i)
        .map(|(j, v)| (v.iter().zip(&vectors[i]).map(|(a, b)| a * b).sum(), j))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(k).map(|(_, j)| j).collect()
}

/// Mean share of each row's top-`k` neighbours under `want` that `got` finds too.
fn neighbour_overlap(got: &[Vec<f32>], want: &[Vec<f32>], k: usize) -> f64 {
    let total: usize = (0..got.len())
        .map(|i| {
            let w = neighbours(want, i, k);
            neighbours(got, i, k)
                .iter()
                .filter(|j| w.contains(j))
                .count()
        })
        .sum();
    total as f64 / (got.len() * k) as f64
}

#[test]
fn on_1000_demo_tickets_both_onnx_precisions_agree_with_the_reference() {
    let config = ticketlens::server::tools::demo::DemoConfig {
        tickets: 1000,
        seed: 7,
        end: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    let texts: Vec<String> = ticketlens::server::tools::demo::generate(&config)
        .map(|t| format!("{}\n{}", t.subject, t.body))
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let reference = embedder().embed(&texts).unwrap();
    let fp32 = onnx(EmbedRuntime::OnnxF32).embed(&texts).unwrap();
    let int8 = onnx(EmbedRuntime::OnnxInt8).embed(&texts).unwrap();
    let (mean, min) = cosines(&fp32, &reference);
    assert!(
        min >= 0.999,
        "onnx fp32 on demo tickets: mean {mean}, min {min}"
    );
    let (mean, min) = cosines(&int8, &reference);
    let overlap = neighbour_overlap(&int8, &reference, 5);
    eprintln!("onnx int8 on 1,000 demo tickets: mean cosine {mean:.4}, min {min:.4}, top-5 overlap {overlap:.3}");
    assert!(mean >= 0.99 && min >= 0.98, "mean {mean}, min {min}");
    assert!(overlap >= 0.9, "top-5 neighbour overlap {overlap}");
    assert!(neighbour_overlap(&fp32, &reference, 5) >= 0.95);
}

#[tokio::test]
async fn concurrent_single_texts_share_one_embedding_call() {
    let embedder = std::sync::Arc::new(Embedder::load(&embedder_config()).unwrap());
    let queue = EmbedQueue::start(embedder.clone());
    let f = fixture();
    let texts: Vec<String> = (0..50)
        .map(|i| f.sentences[i % f.sentences.len()].clone())
        .collect();
    // On this single-threaded runtime every request is queued before the batching task runs.
    let got = futures::future::join_all(texts.iter().map(|t| queue.embed(t.clone()))).await;
    assert_eq!(embedder.calls(), 1, "50 requests, one call");
    let direct = embedder
        .embed(&texts.iter().map(String::as_str).collect::<Vec<_>>())
        .unwrap();
    for ((text, v), want) in texts.iter().zip(got).zip(&direct) {
        let c = cosine(&v.unwrap(), want);
        assert!(c >= 0.9999, "{text:?}: cosine {c} through the queue");
    }
}

/// Throughput, for a release build only: one text per line in TICKETLENS_BENCH_TEXTS, e.g.
/// `ticketlens bench embed --write-texts /tmp/texts.txt` then
/// `cargo test --release --features ssr --test it -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    let path = std::env::var("TICKETLENS_BENCH_TEXTS")
        .expect("set TICKETLENS_BENCH_TEXTS to a file of texts");
    let all = std::fs::read_to_string(path).unwrap();
    let texts: Vec<&str> = all.lines().filter(|l| !l.trim().is_empty()).collect();
    let batch = std::env::var("TICKETLENS_BENCH_BATCH").map_or(32, |b| b.parse().unwrap());
    for runtime in [
        EmbedRuntime::OnnxInt8,
        EmbedRuntime::OnnxF32,
        EmbedRuntime::Candle,
    ] {
        let e = Embedder::load(&embedder_config().with_runtime(runtime)).unwrap();
        bench(&e, &texts[..texts.len().min(64)], batch).unwrap(); // warm-up
        let r = bench(&e, &texts, batch).unwrap();
        println!("{}", serde_json::to_string(&r).unwrap());
    }
}
