// When the widget's wasm is fetched (static/embed/when-wanted.js). The demo pages do not preload
// it: on a referral page it is asked for once the start page is on screen, at once when the person
// presses *Start now*, or half a second after the page shows; on a follow-up page as soon as its
// questions show. A page that preloads it has it at once, and fetched once. Playwright's fake clock holds the page's timers, so each cause is seen on its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServerAndBrowser, stopServerAndBrowser, widgetDrawn, english, widget, fixture } from './harness.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

const preview = (page) => page.locator('signpost-widget .sp-root[data-preview]');
const startNow = (page) => preview(page).getByRole('button', { name: english['start.button'], exact: true });

/**
 * Opens `path` (on the service, or a whole URL) with the page's timers held by the fake clock; `edit` may change the page as it
 * arrives. Returns the page and every wasm request it makes, as they are made.
 */
async function openWithTimersHeld(path, edit) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  if (edit) {
    await context.route(`**${path}`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: edit(await response.text()) });
    });
  }
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  const wasm = [];
  page.on('request', (request) => { if (request.url().endsWith('.wasm')) wasm.push(new URL(request.url()).pathname); });
  // Installed and paused: the page's timers run only when the test says.
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 60_000);
  await page.goto(path.startsWith('http') ? path : `${server.url}${path}`);
  await preview(page).locator('h1').waitFor();
  return { context, page, wasm, problems };
}

// Long enough for a request the page had made to be seen here; the page's own timers stay held.
const settle = (page) => page.waitForTimeout(300);

/** Runs the page's clock on by `ms` and waits for the build's wasm to be asked for in that time. */
async function askedWithin(page, build, ms) {
  const asked = page.waitForRequest(`**/${build}_bg.wasm`);
  await page.clock.runFor(ms);
  await asked;
}

/** Lets the page's time run again; the widget then draws, having fetched `build`'s wasm once. */
async function drawsHavingFetchedOnce({ context, page, wasm, problems }, build) {
  await page.clock.resume();
  await widgetDrawn(page);
  assert.deepEqual(wasm, [`/widget/${build}_bg.wasm`], 'that build\'s wasm, once');
  assert.deepEqual(problems, []);
  await context.close();
}

for (const path of ['/', '/demo/assisted.html']) {
  test(`${path}: the wasm is not asked for while the start page shows, and is half a second after it showed`, async () => {
    const opened = await openWithTimersHeld(path);
    const { page, wasm } = opened;
    await settle(page);
    assert.deepEqual(wasm, [], 'nothing asked for with the page, or as the start page shows');
    await page.clock.runFor(450);
    await settle(page);
    assert.deepEqual(wasm, [], 'nor before half a second has passed');
    await askedWithin(page, 'signpost_widget', 100);
    await drawsHavingFetchedOnce(opened, 'signpost_widget');
  });
}

test('pressing Start now asks for the wasm at once, and the first question shows before it comes', async () => {
  const opened = await openWithTimersHeld('/');
  const { page, wasm } = opened;
  await settle(page);
  assert.deepEqual(wasm, []);
  await startNow(page).click();
  await askedWithin(page, 'signpost_widget', 50); // the press's frame, far short of the half second
  assert.equal((await preview(page).locator('h1').innerText()).trim(), english['question.urgent.label'], 'the first question, from the preview');
  await page.clock.resume();
  await widget(page).locator('.sp-root:not([data-preview]) h1', { hasText: english['question.urgent.label'] }).waitFor(); // the widget starts there
  await drawsHavingFetchedOnce(opened, 'signpost_widget');
});

test('a page that preloads the wasm has it asked for at once, and fetched only once', async () => {
  const preload = '<link rel="preload" href="/widget/signpost_widget_bg.wasm" as="fetch" type="application/wasm" crossorigin>';
  const opened = await openWithTimersHeld('/', (html) => html.replace('</title>', `</title>\n  ${preload}`));
  const { page } = opened;
  // The widget starts (embed.js keeps it as the element's `widget`) with no timer run, nothing pressed.
  // (Polled from here: the page's own timers, which waitForFunction would use, are held.)
  for (let tries = 0; !(await page.evaluate(() => document.querySelector('signpost-widget').widget !== undefined)); tries++) {
    assert.ok(tries < 100, 'the widget started without a timer run');
    await page.waitForTimeout(50);
  }
  await drawsHavingFetchedOnce(opened, 'signpost_widget'); // the preload's response is the one used
});

test('a follow-up link\'s questions ask for the check-in build\'s wasm as soon as they show', async () => {
  const response = await fetch(`${server.url}/api/v1/referrals`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(fixture('valid', 'phone-self-referral')),
  });
  assert.equal(response.status, 201);
  const link = server.followUpLink((await response.json()).reference);
  const opened = await openWithTimersHeld(link);
  const { page, wasm } = opened;
  assert.ok(await preview(page).locator('input[type=radio]').count() > 0, 'the questions, from the preview');
  assert.deepEqual(wasm, [], 'nothing asked for with the page');
  await askedWithin(page, 'signpost_checkin', 50); // the questions' frame: no press, far short of the half second
  await drawsHavingFetchedOnce(opened, 'signpost_checkin'); // the check-in build alone
});
