// One cold journey on one page in one profile: headless Debian Chromium through playwright-core,
// a fresh context, the cache disabled, the profile's CPU and network throttling through CDP.
import { readFileSync } from 'node:fs';

const probeSource = readFileSync(new URL('./probe.js', import.meta.url), 'utf8');

export const PROFILES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: {
    viewport: { width: 412, height: 823 },
    cpuThrottlingRate: 4,
    // Slow 4G as BUDGETS.md gives it: 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up (bytes/s here).
    network: { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8), uploadThroughput: (750e3 / 8) },
  },
};

// Debian's Chromium, headless, with the flags this closed network needs: the browser journeys' own.
export { launchBrowser } from '../../tests/journeys/harness.mjs';

/** The value a scripted person picks for item n (1–14): a spread over the five options. */
export const answerFor = (n) => ((n * 3) % 5) + 1;

/**
 * A fresh cold context and page in a profile: the probe injected (`probeOptions` passed to it),
 * the cache disabled, the profile's throttling on, and every response's encoded size and finish
 * time recorded. `bytesBy(pageMs, timeOrigin)` sums the responses finished by `pageMs` in the
 * clock of the page whose `performance.timeOrigin` is given (the first document's, for a journey
 * over several documents); `resourcesBy` lists them.
 */
export async function openCold(browser, profileName, probeOptions = {}, { timeout = 60_000 } = {}) {
  const profile = PROFILES[profileName];
  const context = await browser.newContext({ viewport: profile.viewport, deviceScaleFactor: 1 });
  context.setDefaultTimeout(timeout);
  await context.addInitScript({ content: `(${probeSource})(${JSON.stringify(probeOptions)});` });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (profile.cpuThrottlingRate) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpuThrottlingRate });
  if (profile.network) await cdp.send('Network.emulateNetworkConditions', profile.network);

  // Every response's encoded size (body as sent plus headers) and when it finished, in CDP's clock.
  const requests = new Map();
  let documentRequest = null;
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!documentRequest && e.type === 'Document') documentRequest = e;
    requests.set(e.requestId, { url: e.request.url, sentAt: e.timestamp });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { finishedAt: e.timestamp, bytes: e.encodedDataLength });
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.failed = e.errorText;
  });
  // CDP's clock is turned into the page's with the first document request's wall time.
  const toPage = (t, timeOrigin) => documentRequest.wallTime * 1000 + (t - documentRequest.timestamp) * 1000 - timeOrigin;
  const finishedBy = (pageMs, timeOrigin) => [...requests.values()]
    .filter((r) => r.bytes !== undefined && !r.failed && toPage(r.finishedAt, timeOrigin) <= pageMs + 1);
  return {
    context, page, cdp, problems,
    bytesBy: (pageMs, timeOrigin) => finishedBy(pageMs, timeOrigin).reduce((s, r) => s + r.bytes, 0),
    resourcesBy: (pageMs, timeOrigin) => finishedBy(pageMs, timeOrigin).map((r) => ({ url: r.url.replace(/\?.*$/, ''), bytes: r.bytes,
      sent_ms: toPage(r.sentAt, timeOrigin), finished_ms: toPage(r.finishedAt, timeOrigin) })),
    allBytes: () => [...requests.values()].filter((r) => r.bytes !== undefined).reduce((s, r) => s + r.bytes, 0),
  };
}

/**
 * Runs one journey. `journey` gives: url() (a fresh URL), answer(page, n, value), submit(page),
 * result(page) (a locator to wait for).
 */
export async function runJourney(browser, profileName, journey, { timeout = 60_000 } = {}) {
  const { context, page, cdp, problems, bytesBy, resourcesBy, allBytes } = await openCold(browser, profileName, {}, { timeout });
  try {
    const url = await journey.url();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench?.marks.firstRadio !== undefined, null, { timeout });
    const loaded = await page.evaluate(() => ({ marks: window.__bench.marks, timeOrigin: performance.timeOrigin }));
    // The page's own User Timing marks (Signpost's embed.js sets some), read once the journey is done.
    const userMarks = () => page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));

    // Bytes before the first question worked: responses finished by then.
    const bytesBeforeFirstQuestion = bytesBy(loaded.marks.firstRadio, loaded.timeOrigin);
    const before = resourcesBy(loaded.marks.firstRadio, loaded.timeOrigin);

    const answeringFrom = performance.now();
    const eachAnswerMs = [];
    for (let n = 1; n <= 14; n++) {
      const from = performance.now();
      await journey.answer(page, n, answerFor(n));
      eachAnswerMs.push(Math.round(performance.now() - from));
    }
    const answeringMs = performance.now() - answeringFrom;

    // After answering: the slowest interaction so far, and memory (after a full GC, so runs compare).
    const after = await page.evaluate(async () => {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      await new Promise((r) => setTimeout(r, 50));
      window.__bench.flushEvents();
      return { maxEvent: window.__bench.maxEvent, maxEventName: window.__bench.maxEventName, events: window.__bench.events,
        unsupported: !!window.__bench.eventTimingUnsupported, wasmBytes: window.__bench.wasmBytes(),
        memories: window.__bench.memories.length };
    });
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');

    const submitFrom = performance.now();
    await journey.submit(page);
    await journey.result(page).waitFor({ timeout });
    const submitMs = performance.now() - submitFrom;
    const marks = await userMarks();

    return {
      ok: true,
      bytes_before_first_question: bytesBeforeFirstQuestion,
      requests_before_first_question: before.length,
      bytes_whole_journey: allBytes(),
      first_question_interactive_ms: loaded.marks.firstRadio,
      dom_content_loaded_ms: loaded.marks.domContentLoaded ?? null,
      answering_ms: answeringMs,
      each_answer_ms: eachAnswerMs,
      submit_to_result_ms: submitMs,
      answer_and_submit_ms: answeringMs + submitMs,
      slowest_interaction_ms: Math.max(16, after.maxEvent),
      slowest_interaction_event: after.maxEventName,
      event_entries_over_16ms: after.events,
      js_heap_bytes: heap.usedSize,
      wasm_memory_bytes: after.wasmBytes,
      memory_bytes: heap.usedSize + after.wasmBytes,
      problems,
      // When each request left and when its last byte arrived, in the page's clock: the waterfall.
      marks,
      resources: before,
    };
  } catch (error) {
    return { ok: false, error: String(error?.message ?? error).split('\n')[0], problems };
  } finally {
    await context.close();
  }
}

/**
 * Runs the first pages of a referral (bench/lib/first-pages.mjs): waits until *Start now* is
 * usable and presses it at once (after `beforeStart`, the volunteer's box on the assisted page),
 * waits for the first question's radios, answers No, Continue, ticks *Money and debt*, Continue,
 * and waits for that need's follow-up page. Times are from the first navigation's start, across
 * documents (the floor's pages are one each); the slowest Event Timing entry is read in each
 * document before it is left, so it covers the first three pages.
 */
export async function runFirstPages(browser, profileName, journey, { timeout = 60_000 } = {}) {
  const { context, page, problems, bytesBy, resourcesBy } = await openCold(browser, profileName, { startLabel: journey.startLabel }, { timeout });
  let slowest = 16;
  let slowestName = null;
  const events = [];
  const readEvents = async () => {
    const e = await page.evaluate(() => { window.__bench.flushEvents(); return { max: window.__bench.maxEvent, name: window.__bench.maxEventName, list: window.__bench.eventList.splice(0) }; });
    events.push(...e.list);
    if (e.max > slowest) ({ max: slowest, name: slowestName } = e);
  };
  // A mark in whichever document is current: a navigation destroys the context waited in.
  const mark = async (name) => {
    const until = Date.now() + timeout;
    for (;;) {
      try {
        await page.waitForFunction((n) => window.__bench?.marks[n] !== undefined, name, { timeout: Math.max(1, until - Date.now()) });
        return await page.evaluate((n) => ({ at: window.__bench.marks[n], timeOrigin: performance.timeOrigin }), name);
      } catch (error) {
        if (Date.now() >= until || !/context|navigat|destroyed/i.test(String(error?.message))) throw error;
      }
    }
  };
  const now = () => page.evaluate(() => ({ at: performance.now(), timeOrigin: performance.timeOrigin }));
  try {
    await page.goto(journey.url, { waitUntil: 'commit' });
    const start = await mark('start');
    const since = (m) => m.at + (m.timeOrigin - start.timeOrigin); // in the first document's clock
    if (journey.beforeStart) {
      await journey.beforeStart(page);
      await readEvents(); // before Start, which may leave the document
    }
    const pressing = await now();
    // A mouse press straight at the button (CDP input, none of Playwright's actionability
    // checks, which a 4× slower CPU makes slow): pressed as soon as the bench knows it can be.
    const at = await page.evaluate(() => window.__bench.startTarget());
    await page.mouse.click(at.x, at.y);
    const question = await mark('firstRadio');
    const firstQuestionMs = since(question);

    await journey.choose(page, 'urgent', 'no').click();
    await readEvents();
    await journey.next(page).click();
    await journey.choose(page, 'needs', 'money_and_debt').click();
    await readEvents();
    await journey.next(page).click();
    await journey.choose(page, 'money_behind_with_bills', 'yes').waitFor();
    const followUp = await now();
    await readEvents();
    return {
      ok: true,
      start_usable_ms: start.at,
      // How long after it was usable the scripted press left for the page: Playwright's share.
      start_pressed_after_ms: since(pressing) - start.at,
      first_question_interactive_ms: firstQuestionMs,
      bytes_before_first_question: bytesBy(firstQuestionMs, start.timeOrigin),
      slowest_interaction_ms: slowest,
      slowest_interaction_event: slowestName,
      event_entries: events,
      follow_up_page_ms: since(followUp),
      problems,
      resources: resourcesBy(firstQuestionMs, start.timeOrigin),
      marks: await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]))),
    };
  } catch (error) {
    return { ok: false, error: String(error?.message ?? error).split('\n')[0], problems };
  } finally {
    await context.close();
  }
}
