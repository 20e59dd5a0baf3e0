// Shortens the names wasm-bindgen gives the wasm's imports from its glue, in both files, after
// wasm-opt and before terser. Each name is a description plus a 16-digit hash, such as
// `__wbg_instanceof_KeyboardEvent_c9280788b471ab5f`: 160 of them, written once in the wasm and once
// in the glue, which compression cannot shrink. Renamed `a`, `b`, … they take about 1.5 KiB (brotli) less per build.
// Only the import section's names change; every other byte of the wasm stays as it was.
// Usage: node scripts/shorten-imports.mjs target/wasm-pkg/<name>.js target/wasm-pkg/<name>_bg.wasm
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [gluePath, wasmPath] = process.argv.slice(2);
if (!gluePath || !wasmPath) throw new Error('usage: shorten-imports.mjs GLUE.js MODULE_bg.wasm');
const glue = readFileSync(gluePath, 'utf8');
const wasm = readFileSync(wasmPath);
const moduleName = `./${basename(wasmPath, '.wasm')}.js`;

// The glue's import object: `const import0 = { __proto__: null, name: function(…) {…}, … }`,
// returned as `{ "./<name>_bg.js": import0 }`. Its keys are the names the wasm imports.
const start = glue.indexOf('function __wbg_get_imports()');
const end = glue.indexOf(`"${moduleName}": import0`, start);
if (start < 0 || end < 0) throw new Error(`${gluePath}: not the wasm-bindgen glue this script knows`);
const keys = [...glue.slice(start, end).matchAll(/^ {8}([A-Za-z_$][\w$]*): function\(/gm)].map((m) => m[1]);

// A name is renamed only if the glue writes it exactly once, as that key, so nothing else can
// refer to it.
const count = (name) => glue.split(name).length - 1;
const renamed = new Map();
const shortName = (i) => (i < 26 ? String.fromCharCode(97 + i) : shortName(Math.floor(i / 26) - 1) + String.fromCharCode(97 + (i % 26)));
for (const key of keys) if (count(key) === 1) renamed.set(key, shortName(renamed.size));

// --- the wasm: rewrite the import section (id 2), copy every other section as it is.
let at = 8;
const uleb = () => {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = wasm[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return value;
  }
};
const encodeUleb = (value) => {
  const bytes = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    bytes.push(byte);
  } while (value);
  return Buffer.from(bytes);
};
const name = () => {
  const length = uleb();
  const text = wasm.toString('utf8', at, at + length);
  at += length;
  return text;
};
const encodeName = (text) => Buffer.concat([encodeUleb(Buffer.byteLength(text)), Buffer.from(text, 'utf8')]);
// An import's description, copied byte for byte: its kind and what follows it.
const skipLimits = () => {
  const flags = wasm[at++];
  uleb();
  if (flags & 1) uleb();
};
const description = () => {
  const from = at;
  const kind = wasm[at++];
  if (kind === 0) uleb(); // function: type index
  else if (kind === 1) { at++; skipLimits(); } // table: reference type, limits
  else if (kind === 2) skipLimits(); // memory
  else if (kind === 3) at += 2; // global: value type, mutability
  else if (kind === 4) { at++; uleb(); } // tag
  else throw new Error(`${wasmPath}: an import of unknown kind ${kind}`);
  return wasm.subarray(from, at);
};

const parts = [wasm.subarray(0, 8)];
let imports = 0;
while (at < wasm.length) {
  const id = wasm[at++];
  const size = uleb();
  const bodyEnd = at + size;
  if (id !== 2) {
    parts.push(Buffer.from([id]), encodeUleb(size), wasm.subarray(at, bodyEnd));
    at = bodyEnd;
    continue;
  }
  const total = uleb();
  const entries = [encodeUleb(total)];
  for (let i = 0; i < total; i++) {
    const module = name();
    const field = name();
    const mine = module === moduleName && renamed.has(field);
    if (mine) imports++;
    entries.push(encodeName(module === moduleName ? 'a' : module), encodeName(mine ? renamed.get(field) : field), description());
  }
  if (at !== bodyEnd) throw new Error(`${wasmPath}: the import section did not read to its end`);
  const body = Buffer.concat(entries);
  parts.push(Buffer.from([id]), encodeUleb(body.length), body);
}
if (imports !== renamed.size) throw new Error(`${wasmPath}: renamed ${imports} imports, the glue has ${renamed.size}`);

// --- the glue: the same keys, and the module's new name.
let out = glue.slice(0, start) + glue.slice(start, end).replace(/^( {8})([A-Za-z_$][\w$]*)(: function\()/gm,
  (whole, indent, key, rest) => (renamed.has(key) ? indent + renamed.get(key) + rest : whole));
out += glue.slice(end).replace(`"${moduleName}": import0`, '"a": import0');

writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(gluePath, out);
console.log(`${basename(wasmPath)}: ${renamed.size} of ${keys.length} imports renamed`);
