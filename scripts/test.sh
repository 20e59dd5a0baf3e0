#!/usr/bin/env bash
# Runs every test: native unit and integration tests, the wasm component tests in headless
# Chromium, and the browser journeys against the real service with axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says how long the one before it took, so the test command's time (under 20 minutes on
# a clean clone) can be watched step by step.
step_started=$SECONDS
step() {
  echo "   ($((SECONDS - step_started)) s)"
  step_started=$SECONDS
  echo "== $*"
}

scripts/setup.sh

# A throwaway PostgreSQL for the second engine's tests, in a folder of its own on a free port,
# stopped and deleted however this script ends. Each test makes a database of its own in it.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/signpost-pg.XXXXXX")
trap 'scripts/postgres.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
step "starting a throwaway PostgreSQL"
SIGNPOST_TEST_POSTGRES=$(scripts/postgres.sh start "$pg_dir")
# The cluster's own CA, for the tests of TLS to the database (postgres.sh makes it).
export SIGNPOST_TEST_POSTGRES SIGNPOST_TEST_POSTGRES_CA="$pg_dir/tls/ca.crt" SIGNPOST_REQUIRE_POSTGRES=1

step "native tests (signpost-core, signpost-server, the widget's reducer), the store on SQLite"
cargo test --workspace --quiet

# The follow-up build (no `referral` feature) must build and pass its own tests too, and so must
# its page drawn ahead of time for embed.js (`prerender`, src/prerender.rs).
cargo test --quiet -p signpost-widget --no-default-features --features prerender

step "the service's API and inbox suite again, the store on PostgreSQL"
# The very binary the workspace run built and ran: `cargo test -p signpost-server` would resolve
# the features of one package, not the workspace's, and build much of it again (78 s on 2 cores).
api_suite=$(cargo test --workspace --no-run --quiet --message-format=json | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["profile"]["test"] and m["target"]["name"] == "api":
        print(m["executable"])')
(cd crates/server && SIGNPOST_TEST_ENGINE=postgres "$api_suite" -q)

step "wasm component tests in headless Chromium"
PATH="$PWD/node_modules/.bin:$PATH" wasm-pack test --headless --chrome \
  --chromedriver "$(command -v chromedriver)" -- --test component --test browser_json

step "browser journeys against the running service"
scripts/build-widget.sh
# target/debug/signpost-server is the one the workspace's tests built and ran (the API suite
# starts it as a process); building it alone would resolve other features and build it again.
SIGNPOST_SERVER_BIN="$PWD/target/debug/signpost-server" SIGNPOST_SITE="$PWD/dist" \
  node --test --test-concurrency=1 tests/journeys/
echo "   ($((SECONDS - step_started)) s; $SECONDS s in all)"
