#!/usr/bin/env bash
# The one command to run every test: formatting and lints (server and browser builds), unit and
# integration tests against a real PostgreSQL, and Playwright specs in Debian's Chromium
# (which also take the README screenshots). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --e2e
. scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
BIN="$CARGO_TARGET_DIR/debug/ticketlens"
# Tests get their own PostgreSQL on a private port; every test makes a fresh database in it.
export TICKETLENS_PG_PORT=54339
export TICKETLENS_DATA_DIR="$PWD/.ticketlens/test-pgdata"
unset DATABASE_URL
SERVER_PID=""
STANDIN_PID=""
cleanup() {
  # `|| true`: under set -e a killed child's status (143) would become the script's.
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$STANDIN_PID" ]; then kill "$STANDIN_PID" 2>/dev/null && wait "$STANDIN_PID" 2>/dev/null || true; fi
  [ -x "$BIN" ] && "$BIN" db stop >/dev/null 2>&1
  true
}
trap cleanup EXIT

step "format"
cargo fmt --all --check
step "clippy: server build"
cargo clippy --all-targets --features ssr -- -D warnings
step "clippy: browser build"
cargo clippy --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

step "build"
cargo leptos build
step "database for tests"
# A fresh cluster each run: every test leaves its own database behind.
"$BIN" db stop >/dev/null 2>&1 || true
rm -rf "$TICKETLENS_DATA_DIR"
TICKETLENS_TEST_DATABASE_URL=$("$BIN" db start)
export TICKETLENS_TEST_DATABASE_URL

step "unit and integration tests"
cargo test --features ssr

step "browser tests (Playwright + Chromium)"
export TICKETLENS_DB_NAME=e2e TICKETLENS_DEMO_TICKETS=3000 TICKETLENS_DEMO_SEED=42
# The first-run tuning has its own integration test; here the specs start from the lexicon.
export TICKETLENS_DEMO_TUNING_PAIRS=0
E2E_PORT="${TICKETLENS_E2E_PORT:-3100}"
export TICKETLENS_DEMO_PASSWORD=e2e-password LEPTOS_SITE_ADDR="127.0.0.1:$E2E_PORT"
if curl -fs "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null 2>&1; then
  echo "port $E2E_PORT is already serving something; stop it or set TICKETLENS_E2E_PORT" >&2
  exit 1
fi
# The LLM engine talks to a local stand-in speaking the OpenAI-compatible wire format.
STANDIN_PORT="${TICKETLENS_STANDIN_PORT:-3199}"
STANDIN_PORT=$STANDIN_PORT node end2end/standins/openai.mjs > .ticketlens/e2e-standin.log 2>&1 &
STANDIN_PID=$!
export TICKETLENS_LLM_PROVIDER=openai TICKETLENS_LLM_MODEL=standin
export TICKETLENS_LLM_BASE_URL="http://127.0.0.1:$STANDIN_PORT/v1"
"$BIN" db reset --yes
"$BIN" serve > .ticketlens/e2e-server.log 2>&1 &
SERVER_PID=$!
healthy=0
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null 2>&1 && { healthy=1; break; }
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 1
done
if [ "$healthy" != 1 ]; then
  echo "the app did not come up for the browser tests:" >&2
  cat .ticketlens/e2e-server.log >&2
  exit 1
fi
(cd end2end && E2E_BASE_URL="http://127.0.0.1:$E2E_PORT" E2E_PASSWORD=e2e-password npx playwright test)

step "API fuzzing (schemathesis against /api/v1/openapi.json)"
scripts/api_fuzz.sh "http://127.0.0.1:$E2E_PORT" "${TICKETLENS_TEST_DATABASE_URL%/*}/e2e"
