#!/usr/bin/env bash
# Builds the release widget into dist/: the demo page at dist/index.html, the widget under
# dist/widget/ with brotli and gzip copies beside each file for the server to send as they are.
set -euo pipefail
cd "$(dirname "$0")/.."

# Two builds of one crate: the whole widget, and the follow-up check-in alone (no `referral`
# feature: no questionnaire, about half the size), which embed.js loads for mode="follow-up".
# binaryen 132 first on PATH: wasm-pack uses the first wasm-opt it finds.
# Panic messages carry their source file's path; shortened, they take ~4 KiB less in the wasm.
flags="--remap-path-prefix=$PWD=signpost"
for registry in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*; do
  flags+=$'\x1f'"--remap-path-prefix=$registry="
done
export CARGO_ENCODED_RUSTFLAGS="$flags"
build() {
  PATH="$PWD/node_modules/.bin:$PATH" wasm-pack --quiet build --release --target web \
    --out-dir target/wasm-pkg --out-name "$1" --no-typescript --no-pack "${@:2}"
}
build signpost_widget
build signpost_checkin -- --no-default-features
# Short names for the imports the wasm takes from its glue (scripts/shorten-imports.mjs).
for name in signpost_widget signpost_checkin; do
  node scripts/shorten-imports.mjs "target/wasm-pkg/$name.js" "target/wasm-pkg/${name}_bg.wasm" >/dev/null
done

rm -rf dist
mkdir -p dist/widget dist/demo
cp target/wasm-pkg/signpost_{widget,checkin}_bg.wasm dist/widget/
# The scripts a browser downloads, minified (terser, from npm): wasm-bindgen's glue is half the size.
# embed.js is written as modules (static/embed/); esbuild (npm) bundles them into one script.
node_modules/.bin/esbuild static/embed/main.js --bundle --format=esm --log-level=warning \
  --outfile=target/wasm-pkg/embed.js
for script in target/wasm-pkg/{signpost_widget,signpost_checkin,embed}.js; do
  node_modules/.bin/terser "$script" --module --compress passes=3 --mangle --output "dist/widget/$(basename "$script")"
done
[ -d target/wasm-pkg/snippets ] && cp -r target/wasm-pkg/snippets dist/widget/
# The style sheet, minified by csso (without restructuring, so the rules keep their order).
node --input-type=module -e "
import { readFileSync, writeFileSync } from 'node:fs';
import { minify } from 'csso';
writeFileSync('dist/widget/signpost.css', minify(readFileSync('static/signpost.css', 'utf8'), { restructure: false }).css);"
# The follow-up build's: the same without what only a referral draws (scripts/checkin-css.mjs).
node scripts/checkin-css.mjs dist/widget/signpost.css dist/widget/signpost_checkin.css
# Each build's first pages drawn ahead of time by the widget's own components (natively, with
# Yew's server renderer), for embed.js to show while the wasm downloads (src/prerender.rs).
prerender() {
  env -u CARGO_ENCODED_RUSTFLAGS cargo run --quiet --features prerender "${@:2}" \
    --bin signpost-prerender -- "dist/widget/$1.preview.en.json"
}
prerender signpost_widget
prerender signpost_checkin --no-default-features
# Languages other than English are fetched only by those who choose them.
cp -r static/i18n dist/widget/i18n
cp index.html dist/
cp demo/* dist/demo/
# The demo's referral pages carry their start page's preview (scripts/inline-preview.mjs).
node scripts/inline-preview.mjs dist/widget/signpost_widget.preview.en.json dist/index.html dist/demo/assisted.html

find dist -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.html' -o -name '*.json' \) | while read -r file; do
  brotli --force --quality=11 --keep "$file"
  gzip --force --best --keep "$file"
done
