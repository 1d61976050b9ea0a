#!/usr/bin/env bash
# The one command to run TicketLens: installs what is missing, builds (release), starts the embedded
# PostgreSQL unless DATABASE_URL is set, migrates, loads the demo data on first run, and serves
# http://127.0.0.1:3000. Ctrl-C stops the app and the database.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
cargo leptos build --release
exec "$CARGO_TARGET_DIR/release/ticketlens" serve
