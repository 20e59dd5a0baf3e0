#!/usr/bin/env bash
# Sets up what is missing, builds, and runs Signpost: the demo practice website with the widget
# at http://127.0.0.1:8080, served by signpost-server with its SQLite database in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-widget.sh
cargo build --quiet --profile server -p signpost-server
mkdir -p data
db="${SIGNPOST_DB:-data/signpost.db}"
# The first run only: invented referrals for the demo practice, so the inbox's monitoring page
# has something to show (signpost-server demo-data; no real person).
if [ ! -e "$db" ]; then
  target/server/signpost-server demo-data --referrals 500 --months 12 --practice 43210 --db "$db"
fi
exec target/server/signpost-server serve \
  --addr "${SIGNPOST_ADDR:-127.0.0.1:8080}" --db "$db" --site dist
