#!/usr/bin/env bash
# Sets up what is missing, builds, and runs Signpost: the demo practice website with the widget
# at http://127.0.0.1:8080 and the link workers' inbox at /inbox, served by signpost-server with
# its SQLite database in ./data. On the first run (no database yet) it makes a demo link worker
# account for practice 43210 and prints how to sign in.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build-widget.sh
cargo build --quiet --profile server -p signpost-server
server=target/server/signpost-server
addr="${SIGNPOST_ADDR:-127.0.0.1:8080}"
db="${SIGNPOST_DB:-data/signpost.db}"
mkdir -p "$(dirname "$db")"
# The first run only: invented referrals for the demo practice, so the inbox and its monitoring
# page have something to show (demo-data: no real person), and a demo link worker account.
if [ ! -e "$db" ]; then
  "$server" demo-data --referrals 500 --months 12 --practice 43210 --db "$db"
  echo
  "$server" demo-account --practice 43210 --db "$db"
  echo "(that command, with this build: $server user totp-code --email demo.linkworker@example.scot --db $db)"
  echo
fi
echo "The demo site: http://$addr/   The inbox: http://$addr/inbox"
exec "$server" serve --addr "$addr" --db "$db" --site dist
