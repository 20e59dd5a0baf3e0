// Writes into each host page given the preview of its <signpost-widget>'s start page and first
// question (from dist/widget/signpost_widget.preview.en.json, src/prerender.rs) as a JSON data
// block, `<script type="application/json" id="signpost-preview">`, which embed.js reads instead of
// fetching the file (static/embed/preview.js). The start page then shows as soon as embed.js runs,
// with no request for it and nothing to wait for: on the desktop profile, where the wasm comes
// with embed.js, that is before the wasm has started. A data block is not run, so it needs
// nothing from the Content-Security-Policy. Only the views of the page's own mode.
// Usage: node scripts/inline-preview.mjs PREVIEW.json PAGE.html…
import { readFileSync, writeFileSync } from 'node:fs';

const [previewFile, ...pages] = process.argv.slice(2);
if (!previewFile || !pages.length) throw new Error('usage: inline-preview.mjs PREVIEW.json PAGE.html…');
const { exit_url: exitUrl, views } = JSON.parse(readFileSync(previewFile, 'utf8'));

for (const file of pages) {
  const page = readFileSync(file, 'utf8');
  const mode = page.match(/<signpost-widget\b[^>]*\bmode="(self|assisted)"[^>]*><\/signpost-widget>/)?.[1];
  if (!mode) throw new Error(`${file}: no <signpost-widget mode="self|assisted">`);
  const own = { exit_url: exitUrl, views: { [mode]: views[mode], [`${mode}.first_question`]: views[`${mode}.first_question`] } };
  if (!own.views[mode] || !own.views[`${mode}.first_question`]) throw new Error(`${previewFile}: no ${mode} views`);
  // `<` escaped, so no `</script>` or `<!--` in the text can end the block early.
  const json = JSON.stringify(own).replace(/</g, '\\u003c');
  const block = `<script type="application/json" id="signpost-preview">${json}</script>`;
  writeFileSync(file, page.replace(/(<signpost-widget\b[^>]*><\/signpost-widget>)/, `$1\n    ${block}`));
}
