#!/usr/bin/env bash
# Builds the release widget and prints what a browser downloads: each file raw, gzip and brotli.
# Usage: scripts/size-report.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

[ "${1:-}" = "--no-build" ] || { scripts/setup.sh >/dev/null; scripts/build-widget.sh; }

kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
budget=$((100 * 1024))
# One table per build: what a page of that mode downloads before its first question.
for build in signpost_widget signpost_checkin; do
  echo "$build ($([ $build = signpost_checkin ] && echo 'mode="follow-up"' || echo 'mode="self", "assisted"'))"
  printf '%-28s %12s %12s %12s\n' file raw gzip brotli
  total_raw=0 total_gz=0 total_br=0
  css=$([ $build = signpost_checkin ] && echo signpost_checkin.css || echo signpost.css)
  for file in "${build}_bg.wasm" "$build.js" embed.js "$css"; do
    path="dist/widget/$file"
    raw=$(stat -c %s "$path")
    gz=$(gzip -9 -c "$path" | wc -c)
    br=$(brotli -q 11 -c "$path" | wc -c)
    total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
    printf '%-28s %12s %12s %12s\n' "$file" "$(kib "$raw")" "$(kib "$gz")" "$(kib "$br")"
  done
  printf '%-28s %12s %12s %12s\n' "total" "$(kib "$total_raw")" "$(kib "$total_gz")" "$(kib "$total_br")"
  if [ "$total_br" -le "$budget" ]; then verdict=PASS; else verdict="FAIL, $(kib $((total_br - budget))) over"; fi
  echo "brotli total, all the widget needs to run, against the budget of 100 KiB: $verdict"
  echo
done
# Where the wasm is slower to arrive, the first page shows from the build's preview (README).
for build in signpost_widget signpost_checkin; do
  preview=0
  css=$([ $build = signpost_checkin ] && echo signpost_checkin.css || echo signpost.css)
  for file in embed.js "$css" "$build.preview.en.json"; do
    preview=$((preview + $(brotli -q 11 -c "dist/widget/$file" | wc -c)))
  done
  echo "$build's first page as a preview (embed.js, $css, $build.preview.en.json): $(kib "$preview") brotli, without the wasm"
done
echo "(the bench adds the document, headers and the follow-up look-up: about 1.8 KiB; ../shared/BUDGETS.md)"
