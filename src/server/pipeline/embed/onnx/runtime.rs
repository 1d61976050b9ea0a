//! Loading `libonnxruntime` once per process and opening sessions on it.

use anyhow::{anyhow, bail, Context};
use ort::environment::Environment;
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use std::path::Path;
use std::sync::OnceLock;

/// The version the loaded library reports (after the first model was opened).
pub fn library_version() -> Option<String> {
    ENVIRONMENT.get()?.as_ref().ok()?;
    let info = ort::info();
    let version = info.split("git-branch=rel-").nth(1)?;
    Some(version.split(',').next()?.trim().to_string())
}

/// One environment per process (ONNX Runtime allows no more), made by the first caller.
static ENVIRONMENT: OnceLock<Result<Environment, String>> = OnceLock::new();

/// The process's ONNX Runtime environment, loading `library` on first use. A missing file is one
/// sentence saying how to get it; a library that fails to load is reported with its path.
pub(crate) fn environment(library: &Path) -> anyhow::Result<&'static Environment> {
    if !library.is_file() {
        bail!(
            "ONNX Runtime is not installed: {} does not exist (run scripts/setup.sh, or set \
             TICKETLENS_ONNXRUNTIME to a libonnxruntime.so of version 1.31 or newer)",
            library.display()
        );
    }
    let env = ENVIRONMENT.get_or_init(|| {
        ort::init_from(library)
            .map_err(|e| e.to_string())?
            .with_name("ticketlens")
            .with_telemetry(false)
            .build()
            .map_err(|e| e.to_string())
    });
    env.as_ref()
        .map_err(|e| anyhow!("cannot load ONNX Runtime from {}: {e}", library.display()))
}

/// A session on the model `bytes`, all graph optimisations on, `threads` threads for each run and
/// no busy-waiting between runs (the worker does other work between batches; measured: spinning
/// made `bench analyse` 14% slower).
pub(crate) fn session(env: &Environment, bytes: &[u8], threads: usize) -> anyhow::Result<Session> {
    let err = |e: ort::Error<_>| anyhow!("{e}");
    Session::builder(env)
        .map_err(|e| anyhow!("{e}"))?
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(err)?
        .with_intra_threads(threads.max(1))
        .map_err(err)?
        .with_inter_threads(1)
        .map_err(err)?
        .with_intra_op_spinning(false)
        .map_err(err)?
        .commit_from_memory(bytes)
        .map_err(|e| anyhow!("{e}"))
        .context("ONNX Runtime refused the embedding graph")
}
