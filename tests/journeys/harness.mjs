// What every browser journey needs: the real signpost-server on a free port with a fresh
// SQLite file, headless Chromium (Debian's), axe-core, and a way to read what was stored.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const serverBin = process.env.SIGNPOST_SERVER_BIN ?? join(root, 'target/debug/signpost-server');
const siteDir = process.env.SIGNPOST_SITE ?? join(root, 'dist');

/** Starts signpost-server on 127.0.0.1 with a fresh database; resolves once it listens. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'signpost-journey-'));
  const db = join(dir, 'signpost.db');
  const child = spawn(serverBin, ['serve', '--addr', '127.0.0.1:0', '--db', db, '--site', siteDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Logging at debug, more than production ever would: stop() searches it for personal data.
      RUST_LOG: process.env.RUST_LOG ?? 'debug',
      // The journeys send many referrals from 127.0.0.1; the limits have tests of their own.
      SIGNPOST_RATE_LIMIT_REFERRALS: '1000000/1s',
      SIGNPOST_RATE_LIMIT_CHECKINS: '1000000/1s',
    },
  });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (http:\/\/[\d.:]+)/);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`signpost-server exited (${code}) before listening: ${seen}`)));
  });
  return {
    url,
    db,
    /** The stored referral, as `signpost-server referral show` prints it. */
    stored(reference) {
      const out = execFileSync(serverBin, ['referral', 'show', reference, '--db', db], { encoding: 'utf8' });
      return JSON.parse(out);
    },
    /** A follow-up link for a stored referral, as `signpost-server checkin create` prints it. */
    followUpLink(reference, ...args) {
      return execFileSync(serverBin, ['checkin', 'create', '--reference', reference, '--db', db,
        '--base-url', `${url}/demo/follow-up.html`, ...args],
      { encoding: 'utf8', env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } }).trim();
    },
    /** Everything the service has logged so far. */
    log: () => log,
    /** Stops the service, then fails if its log holds anything that identifies a person (issue 13). */
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      rmSync(dir, { recursive: true, force: true });
      const found = personalData().filter((value) => log.includes(value));
      if (found.length) throw new Error(`the service logged personal data: ${JSON.stringify(found)}`);
    },
  };
}

/** Debian's Chromium, headless, with the flags this closed network needs (TOOLCHAIN.md). */
export async function launchBrowser() {
  const executablePath = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh page that fails the test on any script error. */
export async function openPage(browser, url, { viewport = { width: 1024, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  // Which build of the widget the page fetched (each mode should get only its own), and every
  // call to the service's API, as `METHOD /path`.
  const wasm = [];
  const api = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    const file = path.split('/').pop();
    if (file.endsWith('.wasm') && !wasm.includes(file)) wasm.push(file);
    if (path.startsWith('/api/')) api.push(`${request.method()} ${path}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // axe-core adds <style> elements while it measures colour contrast; the page's strict CSP
    // rightly blocks them. That is the test tool's doing, not the widget's, so it is not counted.
    const fromAxe = page.axeRunning && /Content Security Policy directive 'style-src/.test(message.text());
    if (message.type() === 'error' && !fromAxe) problems.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  await widgetDrawn(page);
  return { page, context, problems, wasm, api };
}

/**
 * Waits for the widget's own first page: not the follow-up preview embed.js may show while the
 * wasm downloads (`data-preview`), which the widget replaces.
 */
export async function widgetDrawn(page) {
  await page.locator('signpost-widget .sp-root:not([data-preview]) h1').waitFor();
}

/**
 * Runs axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) on the whole document, which reaches
 * into the widget's open shadow root, and returns the violations in a readable form.
 */
export async function axeViolations(page) {
  page.axeRunning = true;
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  // One more round trip, so the console messages axe caused have arrived before counting resumes.
  await page.evaluate(() => true);
  page.axeRunning = false;
  return violations;
}

/**
 * What identifies the people in the valid fixtures, which the journeys type into the widget:
 * names, dates of birth, postcodes, phone numbers (also as bare digits), emails and addresses.
 */
export function personalData() {
  const questions = ['name', 'preferred_name', 'date_of_birth', 'postcode', 'phone', 'email', 'address', 'something_else_detail'];
  const found = new Set();
  for (const name of fixtureNames('valid')) {
    const { answers } = fixture('valid', name);
    for (const question of questions) {
      const value = answers[question];
      if (typeof value !== 'string') continue;
      found.add(value);
      if (question === 'phone') found.add(value.replace(/\D/g, ''));
    }
  }
  return [...found];
}

/** The named referral fixtures shared with signpost-core and signpost-server. */
export function fixture(kind, name) {
  return JSON.parse(readFileSync(join(root, 'tests/fixtures/referrals', kind, `${name}.json`), 'utf8'));
}

export function fixtureNames(kind) {
  return readdirSync(join(root, 'tests/fixtures/referrals', kind)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
}

/** A language's messages, as the widget's i18n file has them. */
export const messagesOf = (language) => JSON.parse(readFileSync(join(root, 'static/i18n', `${language}.json`), 'utf8'));
export const english = messagesOf('en');

/** The widget on the page (Playwright's locators pierce its shadow root), and one of its buttons by message key. */
export const widget = (page) => page.locator('signpost-widget');
export const button = (page, key) => widget(page).getByRole('button', { name: english[key], exact: true });

/** Where *Exit this page* goes by default (src/config.rs). */
export const EXIT_URL = 'https://www.bbc.co.uk/weather';

/** Stands in for the neutral site, so the exit never leaves this machine. */
export async function fakeNeutralSite(context) {
  await context.route(`${EXIT_URL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<title>Weather</title><h1>Weather</h1>' }));
}

/** The real service and a browser, for one test file: started before its tests, stopped after. */
export async function startServerAndBrowser() {
  return { server: await startServer(), browser: await launchBrowser() };
}

export async function stopServerAndBrowser({ server, browser }) {
  await browser?.close();
  await server?.stop();
}
