// Signpost's benchmark: the widget against its peers in headless Chromium, and the intake service
// under load. Run through bench/run.sh, which builds what this needs. See bench/README.md.
import { cpSync, mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { startSite } from './lib/site.mjs';
import { buildPages, LHC_VERSION } from './lib/pages.mjs';
import { launchBrowser, runJourney, runFirstPages, PROFILES } from './lib/browser.mjs';
import { buildFirstPages, firstPageJourneys, FIRST_PAGE_IDS } from './lib/first-pages.mjs';
import { startSignpost, refer, followUpLink } from './lib/signpost.mjs';
import { throughput, durability } from './lib/service.mjs';
import { startPostgres } from './lib/postgres.mjs';
import { summarise, MEASURES, FIRST_PAGE_MEASURES, FIRST_PAGE_BUDGETS, BUDGETS, table, verdict, SERVICE_BUDGETS, serviceTable, ENGINE_NAMES } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function parseArgs(argv) {
  const o = { runs: 7, loadSeconds: 10, clients: 64, durabilitySeconds: 4, killAfterMs: 1500,
    profiles: ['desktop', 'phone'], pages: ['floor', 'preact', 'surveyjs', 'lhc-forms', 'signpost', ...FIRST_PAGE_IDS], browser: true, service: true,
    waterfall: false, engines: ['sqlite', 'postgres'] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') Object.assign(o, { runs: 1, loadSeconds: 2, durabilitySeconds: 2, killAfterMs: 800 });
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--load-seconds') o.loadSeconds = Number(next());
    else if (a === '--clients') o.clients = Number(next());
    else if (a === '--durability-seconds') o.durabilitySeconds = Number(next());
    else if (a === '--kill-after-ms') o.killAfterMs = Number(next());
    else if (a === '--profiles') o.profiles = next().split(',');
    else if (a === '--pages') o.pages = next().split(',');
    else if (a === '--no-browser') o.browser = false;
    else if (a === '--no-service') o.service = false;
    else if (a === '--waterfall') o.waterfall = true;
    else if (a === '--engines') o.engines = next().split(',');
    else if (a === '--no-build') { /* handled by run.sh */ }
    else throw new Error(`unknown flag ${a} (see bench/README.md)`);
  }
  if (!(Number.isInteger(o.runs) && o.runs >= 1 && o.runs <= 100)) throw new Error('--runs must be 1 to 100');
  if (!(o.loadSeconds > 0 && o.loadSeconds <= 300)) throw new Error('--load-seconds must be more than 0 and at most 300');
  if (!(o.durabilitySeconds > 0 && o.durabilitySeconds <= 60)) throw new Error('--durability-seconds must be more than 0 and at most 60');
  if (!(o.killAfterMs > 0 && o.killAfterMs < o.durabilitySeconds * 1000)) throw new Error('--kill-after-ms must fall inside the durability load');
  for (const p of o.profiles) if (!PROFILES[p]) throw new Error(`unknown profile ${p}`);
  for (const e of o.engines) if (!['sqlite', 'postgres'].includes(e)) throw new Error(`unknown engine ${e} (sqlite, postgres)`);
  return o;
}

/** Each request before the first question: when it left and when its last byte came, in ms. */
function waterfall(r) {
  const rows = [...r.resources].sort((a, b) => a.sent_ms - b.sent_ms).map((x) =>
    `    ${String(Math.round(x.sent_ms)).padStart(5)} → ${String(Math.round(x.finished_ms)).padStart(5)} ms ${(x.bytes / 1024).toFixed(1).padStart(6)} KiB  ${new URL(x.url).pathname}`);
  const marks = Object.entries(r.marks ?? {}).map(([name, at]) => `    ${String(Math.round(at)).padStart(5)} ms  mark ${name}`);
  return [...rows, ...marks, `    first question ${Math.round(r.first_question_interactive_ms)} ms`,
    ...(r.each_answer_ms ? [`    each answer (ms): ${r.each_answer_ms.join(' ')}`] : []),
    ...slowEvents(r.event_entries ?? [])].join('\n');
}

/**
 * Event Timing entries over 16 ms (each in its own document's clock), one line for each
 * interaction: a press's pointer, mouse and click entries share a frame and so a duration. Says
 * whether the wait before its handlers, or the handlers, took the time.
 */
function slowEvents(entries) {
  const byFrame = new Map();
  for (const e of entries) {
    const key = `${Math.round(e.at / 4)}:${e.duration}`;
    const seen = byFrame.get(key);
    if (!seen || e.handlers > seen.handlers || (e.name === 'click' && seen.name !== 'click')) byFrame.set(key, e);
  }
  return [...byFrame.values()].sort((a, b) => a.at - b.at).map((e) =>
    `    ${String(e.at).padStart(5)} ms  event ${e.name} ${e.duration} ms (waited ${e.waited}, handlers ${e.handlers})`);
}

const options = parseArgs(process.argv.slice(2));
const serverBin = process.env.SIGNPOST_SERVER_BIN ?? join(root, 'target/server/signpost-server');
const loadBin = process.env.SIGNPOST_LOAD_BIN ?? join(root, 'target/server/signpost-load');
const lformsDir = join(here, `.cache/lforms-${LHC_VERSION}/package/dist/lforms`);
const referralFixture = join(root, 'tests/fixtures/referrals/valid/phone-self-referral.json');
const needed = [['signpost-server', serverBin], ['the widget (dist/)', join(root, 'dist/demo/follow-up.html')]];
if (options.browser) needed.push(['lforms', lformsDir]); // only the pages' part shows LHC-Forms
if (options.service) needed.push(['signpost-load', loadBin]); // only the service part uses it
for (const [what, path] of needed) {
  if (!existsSync(path)) throw new Error(`${what} is missing at ${path}: run bench/run.sh (without --no-build)`);
}
const english = JSON.parse(readFileSync(join(root, 'static/i18n/en.json'), 'utf8'));
const version = (pkg) => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;

// A snapshot of dist/, so a rebuild while the bench runs cannot change what it measures.
const work = mkdtempSync(join(tmpdir(), 'signpost-bench-'));
const dist = join(work, 'dist');
cpSync(join(root, 'dist'), dist, { recursive: true });

const results = {
  started_at: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model, memory_bytes: totalmem(),
    chromium: execFileSync('chromium', ['--version'], { encoding: 'utf8' }).trim(), node: process.version },
  versions: { 'survey-core': version('survey-core'), 'survey-js-ui': version('survey-js-ui'), lforms: LHC_VERSION, 'playwright-core': version('playwright-core') },
  git: (() => { try { return execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(); } catch { return null; } })(),
  options,
  profiles: PROFILES,
  widget_files: {},
  runs: [],
  summary: {},
  service: null,
};

let site;
let signpost;
let browser;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  await signpost?.remove().catch(() => {});
  await site?.close().catch(() => {});
  rmSync(work, { recursive: true, force: true });
};
process.on('SIGINT', () => { cleanup().finally(() => process.exit(130)); });

try {
  if (options.browser) {
    console.log('Compressing every file with brotli (quality 11; cached in bench/.cache/br)…');
    site = await startSite({
      mounts: {
        '/': `${dist}/`,
        '/vendor/survey-core/': join(root, 'node_modules/survey-core/'),
        '/vendor/preact/dist/': join(root, 'node_modules/preact/dist/'),
        '/vendor/survey-js-ui/': join(root, 'node_modules/survey-js-ui/'),
        '/vendor/lforms/webcomponent/': join(lformsDir, 'webcomponent/'),
        '/vendor/lforms/fhir/R4/': join(lformsDir, 'fhir/R4/'),
      },
      pages: { ...buildPages(root, dist), ...buildFirstPages(root) },
      cacheDir: join(here, '.cache/br'),
      apiTarget: () => signpost?.url,
      // Only what a page can load: no source maps, no pre-compressed copies, no unused builds.
      skip: (p) => /\.(map|br|gz|md|ts)$/.test(p) || /\/(fesm|typings|i18n|themes|icons|llms)\//.test(p) || /lhc-forms\.js$/.test(p),
    });
    for (const [path, f] of site.files) if (path.startsWith('/widget/')) results.widget_files[path] = { raw: f.raw.length, brotli: f.br.length };
    signpost = await startSignpost({ bin: serverBin, site: dist, allowOrigin: site.origin });
    const body = JSON.parse(readFileSync(referralFixture, 'utf8'));

    const button = (page, name) => page.getByRole('button', { name, exact: true });
    const widget = (page) => page.locator('signpost-widget');
    const journeys = {
      floor: {
        name: 'plain form (floor)', short: 'floor',
        url: async () => `${site.origin}/pages/floor.html`,
        answer: (page, n, v) => page.locator(`input[name="item-${n}"][value="${v}"]`).click(),
        submit: (page) => button(page, 'Send my answers').click(),
        result: (page) => page.locator('#result'),
      },
      preact: {
        name: `Preact ${version('preact')}`, short: 'Preact',
        url: async () => `${site.origin}/pages/preact.html`,
        answer: (page, n, v) => page.locator(`input[name="item-${n}"][value="${v}"]`).click(),
        submit: (page) => button(page, 'Send my answers').click(),
        result: (page) => page.locator('#result'),
      },
      surveyjs: {
        name: `SurveyJS ${version('survey-core')}`, short: 'SJS',
        url: async () => `${site.origin}/pages/surveyjs.html`,
        answer: (page, n, v) => page.locator(`label.sd-selectbase__label:has(input[name^="item${n}_"][value="${v}"])`).click(),
        submit: (page) => button(page, 'Send my answers').click(),
        result: (page) => page.locator('#result'),
      },
      'lhc-forms': {
        name: `LHC-Forms ${LHC_VERSION}`, short: 'LHC',
        url: async () => `${site.origin}/pages/lhc-forms.html`,
        answer: (page, n, v) => page.locator(`label[id="item${n}/1|urn:signpost:bench:wemwbs|${v}"]`).click(),
        submit: (page) => button(page, 'Send my answers').click(),
        result: (page) => page.locator('#result'),
      },
      signpost: {
        name: 'Signpost', short: 'SP',
        // A fresh referral and a fresh single-use follow-up link for every run.
        url: async () => followUpLink(serverBin, signpost.db, await refer(signpost.url, body), `${site.origin}/pages/signpost.html`),
        answer: (page, n, v) => widget(page).locator(`input[name="wellbeing.items.${n}"][value="${v}"]`).click(),
        submit: (page) => button(widget(page), english['followup.send']).click(),
        result: (page) => widget(page).getByRole('heading', { name: english['followup.result.heading'] }),
      },
    };
    // The follow-up check-in (answering all 14 statements) and the first pages of a referral
    // (start → first question → needs → a follow-up page): two kinds of journey, two tables.
    const firstPages = firstPageJourneys(root, site.origin, version('survey-core'), version('preact'));
    const pages = options.pages.map((id) => {
      if (journeys[id]) return { id, kind: 'check-in', ...journeys[id] };
      if (firstPages[id]) return { id, kind: 'first-pages', ...firstPages[id] };
      throw new Error(`unknown page ${id}`);
    });
    const groups = [
      { kind: 'check-in', title: 'the follow-up check-in (/demo/follow-up.html on the bench host page)', measures: MEASURES, budgets: BUDGETS, subjects: ['signpost'] },
      { kind: 'first-pages', title: 'a referral\'s first pages (start → first question → needs → a follow-up page)', measures: FIRST_PAGE_MEASURES,
        budgets: FIRST_PAGE_BUDGETS, subjects: pages.filter((p) => p.subject).map((p) => p.id) },
    ].map((g) => ({ ...g, pages: pages.filter((p) => p.kind === g.kind) })).filter((g) => g.pages.length);

    browser = await launchBrowser();
    const total = options.runs * options.profiles.length * pages.length;
    let done = 0;
    for (let run = 1; run <= options.runs; run++) {
      for (const profile of options.profiles) {
        // Interleaved, and the order turned each run so no page always goes first.
        const order = pages.map((_, i) => pages[(i + run - 1) % pages.length]);
        for (const p of order) {
          const r = p.kind === 'first-pages' ? await runFirstPages(browser, profile, p) : await runJourney(browser, profile, p);
          done++;
          results.runs.push({ run, profile, page: p.id, ...r });
          const line = !r.ok ? `FAILED: ${r.error}`
            : p.kind === 'first-pages'
              ? `start ${Math.round(r.start_usable_ms)} ms, first question ${Math.round(r.first_question_interactive_ms)} ms, ${(r.bytes_before_first_question / 1024).toFixed(1)} KiB, slowest ${Math.round(r.slowest_interaction_ms)} ms, follow-up page ${Math.round(r.follow_up_page_ms)} ms`
              : `first question ${Math.round(r.first_question_interactive_ms)} ms, ${(r.bytes_before_first_question / 1024).toFixed(1)} KiB, answer+submit ${Math.round(r.answer_and_submit_ms)} ms, slowest ${Math.round(r.slowest_interaction_ms)} ms, memory ${(r.memory_bytes / 1048576).toFixed(2)} MiB`;
          console.log(`[${done}/${total}] run ${run} ${profile.padEnd(7)} ${p.id.padEnd(14)} ${line}`);
          if (options.waterfall && r.ok) console.log(waterfall(r));
        }
      }
    }
    await browser.close();
    browser = undefined;

    console.log('');
    for (const group of groups) {
      console.log(`— ${group.title}`);
      for (const profile of options.profiles) {
        const stats = {};
        for (const p of group.pages) {
          const runs = results.runs.filter((r) => r.profile === profile && r.page === p.id);
          stats[p.id] = Object.fromEntries(group.measures.map((m) => [m.key, summarise(runs, m.key)]));
          stats[p.id].failed_runs = runs.filter((r) => !r.ok).length;
        }
        const verdicts = Object.fromEntries(group.subjects.flatMap((subject) => group.measures.map((m) =>
          [`${subject}.${m.key}`, verdict(profile, m.key, stats, { budgets: group.budgets, subject })])).filter(([, v]) => v));
        (results.summary[group.kind] ??= {})[profile] = { stats, verdicts };
        console.log(table(profile, group.pages, stats, options.runs, group));
        const failed = group.pages.filter((p) => stats[p.id].failed_runs).map((p) => `${p.id}: ${stats[p.id].failed_runs}`);
        if (failed.length) console.log(`failed runs (left out of the figures): ${failed.join(', ')}`);
        console.log('');
      }
    }
    await signpost.remove();
    signpost = undefined;
    await site.close();
    site = undefined;
  }

  if (options.service) {
    results.service = {};
    for (const engine of options.engines) {
      // PostgreSQL: a throwaway cluster for this run, a fresh database for each measurement.
      const postgres = engine === 'postgres' ? startPostgres(root) : null;
      try {
        const db = () => postgres?.database();
        console.log(`Service on ${ENGINE_NAMES[engine]}: ${options.clients} clients posting valid referrals for ${options.loadSeconds} s (release build)…`);
        const t = await throughput({ serverBin, loadBin, site: dist, body: referralFixture, clients: options.clients, seconds: options.loadSeconds, db: db() });
        console.log(`Durability on ${ENGINE_NAMES[engine]}: load for ${options.durabilitySeconds} s, kill -9 after ${options.killAfterMs} ms, restart, read back every 201…`);
        const d = await durability({ serverBin, loadBin, site: dist, body: referralFixture, clients: options.clients,
          seconds: options.durabilitySeconds, killAfterMs: options.killAfterMs, db: db() });
        const figures = { throughput_per_s: t.throughput_per_s, p99_ms: t.latency_ms.p99, lost: d.lost, peak_rss_bytes: t.peak_rss_bytes };
        const verdicts = Object.fromEntries(Object.entries(SERVICE_BUDGETS).map(([k, b]) => {
          const v = figures[k];
          return [k, { budget: b.text, pass: v !== null && (b.min !== undefined ? v >= b.min : v <= b.max) }];
        }));
        results.service[engine] = { throughput: t, durability: d, verdicts };
      } finally {
        postgres?.stop();
      }
    }
    console.log('');
    console.log(serviceTable(results.service, options.clients));
  }
} finally {
  await cleanup();
}

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `${results.started_at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify(results, null, 2));
console.log(`\nAll results: ${file}`);
