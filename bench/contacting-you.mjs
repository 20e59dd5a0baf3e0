// The slowest interaction on the self-referral's *Contacting you* page (issue 15), by Event
// Timing: each run walks a fresh self-referral to that page by mouse, then answers it
// (the three best times ticked, Yes, No and Yes again to *Do you need an interpreter?*, which
// reveals, hides and reveals *Which language?*, then a language typed there) and reads every
// PerformanceEventTiming entry of 16 ms or more (the API's smallest threshold) those answers made.
// A tool you run, not a test (bench/README.md):
//
//   SIGNPOST_SERVER_BIN=target/debug/signpost-server SIGNPOST_SITE=dist node bench/contacting-you.mjs [--runs 7] [--profiles desktop,phone]
import { parseArgs } from 'node:util';
import { startServer, launchBrowser, english, widget } from '../tests/journeys/harness.mjs';
import { answerByMouse, heading, press } from '../tests/journeys/answering.mjs';
import { PROFILES } from './lib/browser.mjs';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '7' }, profiles: { type: 'string', default: 'desktop,phone' } } });

/** The shortest way to *Contacting you*: one need, one way to be contacted. */
const answers = new Map([
  ['answers.urgent', 'no'], ['answers.needs', ['food']], ['answers.food_gone_without', 'no'],
  ['answers.name', 'Morag Campbell'], ['answers.date_of_birth-day', '14'], ['answers.date_of_birth-month', '6'],
  ['answers.date_of_birth-year', '1971'], ['answers.postcode', 'G31 2ER'], ['answers.contact_methods', ['phone']],
  ['answers.phone', '07700 900123'], ['answers.safe_voicemail', 'no'],
]);

async function run(browser, profileName) {
  const profile = PROFILES[profileName];
  const context = await browser.newContext({ viewport: profile.viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(server.url);
  await widget(page).locator('.sp-root:not([data-preview]) .sp-button--start').waitFor();
  await press(page, widget(page).getByRole('button', { name: english['start.button'] }));
  const contacting = english['page.contact_preferences.heading'];
  for (let pages = 0; (await heading(page)) !== contacting; pages++) {
    if (pages > 12) throw new Error(`never reached ${contacting}: stuck on ${await heading(page)}`);
    await answerByMouse(page, answers);
    await press(page, widget(page).getByRole('button', { name: english['common.continue'], exact: true }));
  }
  // Only the answers on this page are measured, in the profile's CPU.
  const cdp = await context.newCDPSession(page);
  if (profile.cpuThrottlingRate) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuThrottlingRate });
  await page.evaluate(() => {
    window.spEvents = [];
    window.spObserver = new PerformanceObserver((list) => window.spEvents.push(...list.getEntries()));
    window.spObserver.observe({ type: 'event', durationThreshold: 16 });
  });
  // By pointer, not keyboard: before issue 15's fix, focus fell to the page's body at Yes, so
  // the keys after it reached nothing and a before-and-after by keyboard could not be compared.
  const control = (name, value) => widget(page).locator(`[name="answers.${name}"]${value ? `[value="${value}"]` : ''}`);
  // Shadow DOM retargets each entry's target to the host: each step is named by when it began.
  const step = (name) => page.evaluate((name) => window.spSteps.push({ name, at: performance.now() }), name);
  await page.evaluate(() => { window.spSteps = []; });
  for (const time of ['morning', 'afternoon', 'evening']) {
    await step(`tick ${time}`);
    await control('best_times', time).click();
  }
  for (const answer of ['yes', 'no', 'yes']) {
    await step(`interpreter ${answer}`);
    await control('interpreter', answer).click();
  }
  await step('type the language');
  await control('interpreter_language').click();
  await page.keyboard.type('Polish');
  // Entries are dispatched after the next paint; wait for two frames and a little more.
  await page.waitForTimeout(300);
  const entries = await page.evaluate(() => {
    window.spEvents.push(...window.spObserver.takeRecords());
    const during = (t) => window.spSteps.filter((s) => s.at <= t).at(-1)?.name;
    // Entries from before the first step belong to the walk to this page.
    return window.spEvents.filter((e) => e.interactionId && during(e.startTime)).map((e) => ({ name: e.name, duration: e.duration, target: during(e.startTime) }));
  });
  const revealed = await widget(page).locator('[name="answers.interpreter_language"]').inputValue();
  if (revealed !== 'Polish') throw new Error(`the walk did not reach Which language? (typed "${revealed}")`);
  await context.close();
  const slowest = entries.reduce((worst, e) => (e.duration > (worst?.duration ?? 0) ? e : worst), null);
  const reveal = Math.max(0, ...entries.filter((e) => e.target === 'interpreter yes').map((e) => e.duration));
  return { slowest: slowest?.duration ?? 0, reveal, what: slowest ? `${slowest.name} at ${slowest.target}` : 'none of 16 ms or more', entries: entries.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await startServer();
const browser = await launchBrowser();
try {
  for (const profile of args.profiles.split(',')) {
    const runs = [];
    for (let n = 0; n < Number(args.runs); n++) runs.push(await run(browser, profile));
    const figures = runs.map((r) => r.slowest);
    const reveals = runs.map((r) => r.reveal);
    console.log(`${profile}: slowest interaction on Contacting you, median ${median(figures)} ms (min ${Math.min(...figures)}, max ${Math.max(...figures)}) over ${runs.length} runs;`
      + ` the slowest at Yes (the reveal), median ${median(reveals)} ms (min ${Math.min(...reveals)}, max ${Math.max(...reveals)})`);
    for (const r of runs) console.log(`  ${r.slowest} ms: ${r.what} (${r.entries} entries of 16 ms or more)`);
  }
} finally {
  await browser.close();
  await server.stop();
}
