// The monitoring page and the evaluation dataset's CSV on 100,000 referrals, over HTTP through the
// real service (issue 12: both under a second). A benchmark that prints figures, never a test.
//
//   node bench/monitoring.mjs [--referrals N] [--runs N] [--fresh]
//
// It fills a SQLite database with `signpost-server demo-data` (invented people, four practices,
// twelve months; kept in bench/.cache/ since it takes minutes, `--fresh` makes it again), copies
// it, serves the copy with the release build (`--profile server`, as scripts/run.sh serves the
// demo), makes an admin with `user add` and signs in over HTTP as a browser would (the one-time
// link, a password, the authenticator's code computed here, the recovery codes), then times each
// page `--runs` times, one request at a time: the time to the response's first byte and to its
// last, and its size.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totp } from '../tests/journeys/totp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const PRACTICES = ['43210', '43211', '43212', '43213'];
const PASSWORD = 'marram-grass tide 4 lighthouse';

function parseArgs(argv) {
  const o = { referrals: 100_000, runs: 7, fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--referrals') o.referrals = Number(argv[++i]);
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--fresh') o.fresh = true;
    else throw new Error(`unknown flag ${a} (--referrals N, --runs N, --fresh)`);
  }
  if (!(Number.isInteger(o.referrals) && o.referrals >= 1 && o.referrals <= 1_000_000)) throw new Error('--referrals must be 1 to 1,000,000');
  if (!(Number.isInteger(o.runs) && o.runs >= 1 && o.runs <= 100)) throw new Error('--runs must be 1 to 100');
  return o;
}

const options = parseArgs(process.argv.slice(2));
const bin = process.env.SIGNPOST_SERVER_BIN ?? join(root, 'target/server/signpost-server');
if (!existsSync(bin)) throw new Error(`${bin} is missing: cargo build --profile server -p signpost-server`);
const quiet = { ...process.env, RUST_LOG: 'warn' };
const server = (args) => execFileSync(bin, args, { encoding: 'utf8', env: quiet }).trim();

// The database, made once per size (demo-data's seed is fixed, so it is the same each time).
const cache = join(here, '.cache');
mkdirSync(cache, { recursive: true });
const filled = join(cache, `monitoring-${options.referrals}.db`);
if (options.fresh || !existsSync(filled)) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(filled + suffix, { force: true });
  console.log(`Inventing ${options.referrals} referrals over 12 months for ${PRACTICES.length} practices (minutes; kept in ${filled})…`);
  const started = performance.now();
  server(['demo-data', '--referrals', String(options.referrals), '--months', '12',
    ...PRACTICES.flatMap((p) => ['--practice', p]), '--db', filled]);
  console.log(`  made in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const work = mkdtempSync(join(tmpdir(), 'signpost-monitoring-bench-'));
const db = join(work, 'signpost.db');
copyFileSync(filled, db);

/** Starts `serve` on a free port; resolves to its URL once it listens. */
function serve() {
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--db', db, '--site', join(root, 'dist')],
    { stdio: ['ignore', 'pipe', 'inherit'], env: quiet });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/[\d.:]+)/);
      if (match) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`signpost-server exited (${code}) before listening`)));
  });
}

/** A browser's cookies and the inbox's forms, over fetch. */
class Browser {
  constructor(origin) { this.origin = origin; this.cookies = new Map(); }

  async request(path, init = {}) {
    const headers = { ...(init.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(new URL(path, this.origin), { ...init, headers, redirect: 'manual' });
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const [name, value] = pair.split('=');
      if (/Max-Age=0/i.test(set)) this.cookies.delete(name); else this.cookies.set(name, value);
    }
    return response;
  }

  /** GETs `path`, following redirects; its HTML. */
  async page(path) {
    let response = await this.request(path);
    while (response.status === 303 || response.status === 302) response = await this.request(response.headers.get('location'));
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    return { url: response.url, html: await response.text() };
  }

  /** Sends the page's first form with `fields` and its CSRF token; the page it leads to. */
  async submit(page, fields) {
    const action = page.html.match(/<form method="post" action="([^"]+)"/)?.[1];
    const csrf = page.html.match(/name="csrf" value="([^"]+)"/)?.[1];
    if (!action || !csrf) throw new Error(`no form on ${page.url}`);
    const response = await this.request(action.replaceAll('&amp;', '&'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin },
      body: new URLSearchParams({ ...fields, csrf }).toString(),
    });
    // A redirect to the next page, or (the recovery codes, shown once) the page itself.
    if (response.status === 303) return this.page(response.headers.get('location'));
    const html = await response.text();
    if (response.status === 200 && !html.includes('sp-inbox-error-summary')) return { url: new URL(action, this.origin).href, html };
    throw new Error(`${action}: ${response.status} ${html.slice(0, 300)}`);
  }
}

/** An admin made on the command line, signed in as a person would be. */
async function signInAdmin(origin) {
  const email = 'bench.admin@nhs.scot';
  const link = server(['user', 'add', '--email', email, '--role', 'admin', '--inbox-origin', origin, '--db', db]);
  const browser = new Browser(origin);
  let page = await browser.page(new URL(link).pathname);
  page = await browser.submit(page, { username: email, password: PASSWORD, confirmation: PASSWORD });
  if (page.url.includes('/sign-in')) page = await browser.submit(page, { email, password: PASSWORD });
  const secret = page.html.match(/class="sp-inbox-secret">([^<]+)</)?.[1];
  if (!secret) throw new Error(`no authenticator key on ${page.url}`);
  page = await browser.submit(page, { code: totp(secret) });
  page = await browser.submit(page, {});
  if (!new URL(page.url).pathname.startsWith('/inbox')) throw new Error(`signed in to ${page.url}?`);
  return browser;
}

/** One GET: ms to the first byte (headers) and to the last, and the body's size. */
async function timed(browser, path) {
  const started = performance.now();
  const response = await browser.request(path);
  const firstByte = performance.now() - started;
  const body = Buffer.from(await response.arrayBuffer());
  const total = performance.now() - started;
  if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
  return { firstByte, total, bytes: body.length };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = (x) => `${Math.round(x)}`.padStart(6);

const { child, url } = await serve();
try {
  const browser = await signInAdmin(url);
  const today = new Date();
  const to = today.toISOString().slice(0, 10);
  const from = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth(), today.getUTCDate() + 1)).toISOString().slice(0, 10);
  const period = `from=${from}&to=${to}`;
  const pages = [
    ['monitoring page, all practices, 12 months', `/inbox/monitoring?${period}`],
    ['monitoring page, one practice, 12 months', `/inbox/monitoring?${period}&practice=${PRACTICES[0]}`],
    ['dataset CSV, all practices, 12 months', `/inbox/monitoring/export.csv?${period}`],
    ['dataset CSV, one practice, 12 months', `/inbox/monitoring/export.csv?${period}&practice=${PRACTICES[0]}`],
  ];
  const figures = await (await browser.request(`/inbox/monitoring?${period}`)).text();
  const counted = figures.match(/<h2[^>]*>([\d,]+) referrals/)?.[1];
  console.log(`\n${counted} referrals in the period on the monitoring page (of ${options.referrals} made), release build, SQLite, ${options.runs} runs each, one at a time:\n`);
  console.log(`${'what'.padEnd(46)} ${'first byte ms (min–max)'.padStart(26)} ${'last byte ms (min–max)'.padStart(26)} ${'bytes'.padStart(11)}  under 1 s?`);
  for (const [name, path] of pages) {
    await timed(browser, path); // a first request warms the page cache, as a second look would
    const runs = [];
    for (let i = 0; i < options.runs; i++) runs.push(await timed(browser, path));
    const first = runs.map((r) => r.firstByte);
    const total = runs.map((r) => r.total);
    const size = runs[0].bytes.toLocaleString('en-GB');
    console.log(`${name.padEnd(46)} ${`${ms(median(first))} (${Math.round(Math.min(...first))}–${Math.round(Math.max(...first))})`.padStart(26)} `
      + `${`${ms(median(total))} (${Math.round(Math.min(...total))}–${Math.round(Math.max(...total))})`.padStart(26)} ${size.padStart(11)}  ${median(total) < 1000 ? 'yes' : 'NO'}`);
  }
} finally {
  child.kill();
  rmSync(work, { recursive: true, force: true });
}
