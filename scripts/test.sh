#!/usr/bin/env bash
# Runs every test: native unit and integration tests, the wasm component tests in headless
# Chromium, and the browser journeys against the real service with axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

echo "== native tests (signpost-core, signpost-server, the widget's reducer)"
cargo test --workspace --quiet
# The follow-up build (no `referral` feature) must build and pass its own tests too, and so must
# its page drawn ahead of time for embed.js (`prerender`, src/prerender.rs).
cargo test --quiet -p signpost-widget --no-default-features --features prerender

echo "== wasm component tests in headless Chromium"
PATH="$PWD/node_modules/.bin:$PATH" wasm-pack test --headless --chrome \
  --chromedriver "$(command -v chromedriver)" -- --test component --test browser_json

echo "== browser journeys against the running service"
scripts/build-widget.sh
cargo build --quiet -p signpost-server
SIGNPOST_SERVER_BIN="$PWD/target/debug/signpost-server" SIGNPOST_SITE="$PWD/dist" \
  node --test --test-concurrency=1 tests/journeys/
