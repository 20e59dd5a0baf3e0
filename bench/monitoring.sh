#!/usr/bin/env bash
# The monitoring benchmark in one command: builds the release service as scripts/run.sh does
# (the monitoring page and the CSV need no widget, so dist/ is not built), then runs
# bench/monitoring.mjs with the flags given (--referrals N, --runs N, --fresh).
set -euo pipefail
cd "$(dirname "$0")/.."

nice -n 10 cargo build --quiet --profile server -p signpost-server
exec node bench/monitoring.mjs "$@"
