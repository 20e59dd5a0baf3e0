// scripts/shorten-imports.mjs renames the imports wasm-bindgen's glue gives each wasm build (about
// 1.5 KiB brotli a build). It reads the glue's text, so a new wasm-bindgen that writes its glue
// another way must fail here, plainly, rather than in a person's browser. No browser needed: Node
// links each built wasm with its own glue, as the page does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const site = process.env.SIGNPOST_SITE ?? join(root, 'dist');

for (const build of ['signpost_widget', 'signpost_checkin']) {
  test(`${build}: every import of the built wasm is one its shortened glue gives`, async () => {
    const module = new WebAssembly.Module(readFileSync(join(site, 'widget', `${build}_bg.wasm`)));
    const modules = [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))];
    assert.deepEqual(modules, ['a'], 'the imports come from the glue, under the short module name the script gives it');
    const glue = await import(pathToFileURL(join(site, 'widget', `${build}.js`)).href);
    assert.doesNotThrow(() => glue.initSync({ module }),
      'the wasm and its glue no longer link: has wasm-bindgen changed the shape scripts/shorten-imports.mjs reads?');
  });
}

test('shorten-imports refuses, naming the file, glue written in a shape it does not know', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-shorten-'));
  try {
    const glue = join(dir, 'x.js');
    const wasm = join(dir, 'x_bg.wasm');
    writeFileSync(glue, 'export function somethingElse() {}\n');
    copyFileSync(join(site, 'widget', 'signpost_checkin_bg.wasm'), wasm);
    assert.throws(() => execFileSync('node', [join(root, 'scripts/shorten-imports.mjs'), glue, wasm], { stdio: 'pipe' }),
      (error) => error.stderr.toString().includes(`${glue}: not the wasm-bindgen glue this script knows`));
    assert.deepEqual(readFileSync(wasm), readFileSync(join(site, 'widget', 'signpost_checkin_bg.wasm')), 'the wasm is left as it was');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
