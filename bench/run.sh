#!/usr/bin/env bash
# Signpost's benchmark in one command: builds what it needs (the release widget, the release
# service, the load generator, the peers' packages), then runs bench/bench.mjs with the flags given.
#   bench/run.sh              7 cold runs per page per profile, 10 s of load
#   bench/run.sh --quick      1 run each, 2 s of load (a smoke test of the whole thing)
#   bench/run.sh --no-build   measure what is already built
# Other flags: --runs N, --load-seconds S, --clients N, --durability-seconds S, --kill-after-ms MS,
# --profiles desktop,phone, --pages floor,preact,surveyjs,lhc-forms,signpost,floor-start,preact-start,preact-assisted,surveyjs-start,self,assisted,
# --no-browser, --no-service, --waterfall.
set -euo pipefail
cd "$(dirname "$0")/.."

LFORMS_VERSION=40.1.3
build=1
for arg in "$@"; do [ "$arg" = --no-build ] && build=0; done

if [ "$build" = 1 ]; then
  # The peers (survey-core, survey-js-ui, preact) and playwright-core are devDependencies of the root package.
  if ! node -e "for (const p of ['survey-core','survey-js-ui','preact','playwright-core']) require.resolve(p + '/package.json')" 2>/dev/null; then
    npm install --no-audit --no-fund
  fi
  # LHC-Forms: the published tarball only (a full install pulls its whole Angular tree).
  if [ ! -d "bench/.cache/lforms-$LFORMS_VERSION/package/dist/lforms" ]; then
    mkdir -p "bench/.cache/lforms-$LFORMS_VERSION"
    (cd bench/.cache && npm pack "lforms@$LFORMS_VERSION" --silent >/dev/null)
    tar -xzf "bench/.cache/lforms-$LFORMS_VERSION.tgz" -C "bench/.cache/lforms-$LFORMS_VERSION"
  fi
  scripts/build-widget.sh
  cargo build --quiet --profile server -p signpost-server
  cargo build --quiet --profile server -p signpost-load
fi

exec node bench/bench.mjs "$@"
