#!/usr/bin/env bash
# Sets up what is missing, builds, and runs Signpost: the demo practice website with the widget
# at http://127.0.0.1:8080, served by signpost-server with its SQLite database in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-widget.sh
cargo build --quiet --profile server -p signpost-server
mkdir -p data
exec target/server/signpost-server serve \
  --addr "${SIGNPOST_ADDR:-127.0.0.1:8080}" --db "${SIGNPOST_DB:-data/signpost.db}" --site dist
