// A slow connection: embed.js shows the widget's first page (rendered at build time by the
// widget's own components) while the wasm downloads: a follow-up link's questions, or the start
// page. The wasm is held back here until the test lets it through, so everything a person can do
// in that time is tried: answering by mouse and keyboard, pressing Start or Send too early, and
// leaving by Exit and by its Shift shortcut.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServerAndBrowser, stopServerAndBrowser, axeViolations, fixture, widgetDrawn, EXIT_URL, fakeNeutralSite, messagesOf, english, widget, button } from './harness.mjs';
import { answerByMouse, focusedControl, press } from './answering.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

const preview = (page) => page.locator('signpost-widget .sp-root[data-preview]');
const radio = (page, item, value) => widget(page).locator(`input[name="wellbeing.items.${item}"][value="${value}"]`);

async function followUpLink() {
  const response = await fetch(`${server.url}/api/v1/referrals`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(fixture('valid', 'phone-self-referral')), // WEMWBS, total 33
  });
  assert.equal(response.status, 201);
  return server.followUpLink((await response.json()).reference);
}

/**
 * Opens `url` with the widget's wasm held back; `release()` lets it through. `attributes` are
 * added to the page's <signpost-widget> as the page arrives, as a host page would write them.
 */
async function openWithWasmHeld(url, { attributes = '', expectPreview = true, lookups = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await context.route('**/*.wasm', async (route) => { await held; await route.continue(); });
  // `lookups` says, for each look-up of the link in turn, whether the network fails it.
  const failing = [...lookups];
  await context.route('**/api/v1/checkins/*', (route) =>
    (route.request().method() === 'GET' && failing.shift() === 'fails' ? route.abort() : route.continue()));
  if (attributes) {
    await context.route('**/*.html*', async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('<signpost-widget ', `<signpost-widget ${attributes} `);
      await route.fulfill({ response, body });
    });
  }
  await fakeNeutralSite(context);
  const page = await context.newPage();
  const problems = [];
  const api = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => { if (message.type() === 'error' && !page.axeRunning) problems.push(`console: ${message.text()}`); });
  page.on('request', (request) => { if (new URL(request.url()).pathname.startsWith('/api/')) api.push(request.method()); });
  const files = [];
  page.on('request', (request) => files.push(new URL(request.url()).pathname.split('/').pop()));
  await page.goto(url);
  if (expectPreview) await preview(page).locator('h1').waitFor();
  return { context, page, problems, api, files, release };
}

test('the questions show before the wasm arrives, and answers, focus and the page carry over to the widget', async () => {
  const { context, page, problems, api, release } = await openWithWasmHeld(await followUpLink());
  assert.equal((await preview(page).locator('h1').innerText()).trim(), english['followup.heading']);
  assert.equal(await preview(page).locator('.sp-scale-item').count(), 14, 'the scale the link asks for');
  assert.match(await preview(page).locator('.sp-copyright').innerText(), /NHS Health Scotland/, 'with its notice');
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the preview');

  await radio(page, 1, 3).click();
  // Keyboard alone: Tab from the first statement's chosen answer reaches the second statement.
  await radio(page, 1, 3).focus();
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown'); // the second statement's second answer, chosen
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const focusedBefore = await page.evaluate(() => document.querySelector('signpost-widget').shadowRoot.activeElement?.id);
  assert.equal(focusedBefore, 'sp-wellbeing-items-2-4');

  release();
  await widgetDrawn(page);
  assert.equal(await preview(page).count(), 0, 'the widget has taken the preview\'s place');
  assert.ok(await radio(page, 1, 3).isChecked() && await radio(page, 2, 4).isChecked(), 'the answers given carry over');
  const focusedAfter = await page.evaluate(() => document.querySelector('signpost-widget').shadowRoot.activeElement?.id);
  assert.equal(focusedAfter, 'sp-wellbeing-items-2-4', 'focus stays where it was');
  assert.ok(!page.url().includes('checkin='), 'the widget takes the token out of the address');

  // The rest by mouse; the widget sends all 14, the two from the preview among them.
  await answerByMouse(page, new Map(Array.from({ length: 12 }, (_, i) => [`wellbeing.items.${i + 3}`, '3'])));
  await press(page, button(page, 'followup.send'));
  await widget(page).locator('h1', { hasText: english['followup.result.heading'] }).waitFor();
  const rows = await widget(page).locator('.sp-table tbody tr').allInnerTexts();
  assert.match(rows[1], /Today.*\t43$/s, '3 + 4 + 12 × 3');
  assert.deepEqual(api, ['GET', 'POST'], 'one look-up, one check-in');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Send pressed before the wasm arrives is kept, and the widget then says what is missing', async () => {
  const { context, page, problems, release } = await openWithWasmHeld(await followUpLink());
  await radio(page, 1, 2).click();
  await preview(page).getByRole('button', { name: english['followup.send'], exact: true }).click();
  assert.ok(page.url().includes('checkin='), 'the preview\'s form does not go anywhere by itself');
  release();
  await widget(page).locator('.sp-error-summary').waitFor();
  assert.equal(await widget(page).locator('.sp-error-summary a').count(), 13, 'the 13 statements not yet answered');
  assert.ok(await radio(page, 1, 2).isChecked());
  assert.deepEqual(problems, []);
  await context.close();
});

for (const how of ['the button', 'pressing Shift three times']) {
  test(`Exit this page by ${how} works before the wasm arrives`, async () => {
    const { context, page, release } = await openWithWasmHeld(await followUpLink());
    const historyBefore = await page.evaluate(() => history.length);
    await radio(page, 1, 5).click();
    if (how === 'the button') {
      await preview(page).getByRole('button', { name: english['exit.button'] }).click();
    } else {
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
    }
    await page.waitForURL(`${EXIT_URL}**`);
    assert.equal(await page.evaluate(() => history.length), historyBefore, 'location.replace: no way back');
    release();
    await context.close();
  });
}

// static/embed/preview.js keeps its own copy of the widget's rule (src/hooks/use_exit_shortcut.rs).
test('before the wasm arrives, two Shift presses, or three spread over more than five seconds, do not exit', async () => {
  const { context, page, release } = await openWithWasmHeld(await followUpLink());
  await page.clock.install();
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  await page.clock.fastForward(6000);
  await page.keyboard.press('Shift');
  // Leaving hides the page at once, before the neutral site loads (preview.js's `exit`).
  assert.equal(await page.evaluate(() => document.body.hidden), false, 'the page is not left');
  assert.equal(new URL(page.url()).origin, server.url);
  assert.equal(await preview(page).count(), 1, 'still the preview, before the wasm');
  release();
  await context.close();
});

for (const { mode, url, heading } of [
  { mode: 'self', url: '/', heading: 'start.heading' },
  { mode: 'assisted', url: '/demo/assisted.html', heading: 'assisted.heading' },
]) {
  test(`the ${mode} start page shows before the wasm arrives, and Start pressed there carries over`, async () => {
    const { context, page, problems, release } = await openWithWasmHeld(`${server.url}${url}`);
    assert.equal((await preview(page).locator('h1').innerText()).trim(), english[heading]);
    await preview(page).getByText(english['start.not_emergency']).waitFor();
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the preview');
    if (mode === 'assisted') {
      // Keyboard alone: the volunteer confirms the person is here.
      await preview(page).getByLabel(english['assisted.present']).focus();
      await page.keyboard.press('Space');
    }
    await preview(page).getByRole('button', { name: english['start.button'], exact: true }).click();
    release();
    await widgetDrawn(page); // the preview shows the first question's radios too, until then
    await widget(page).locator('input[name="answers.urgent"]').first().waitFor();
    assert.equal(await preview(page).count(), 0, 'the widget has taken the preview\'s place');
    assert.equal((await focusedControl(page)).text, english['question.urgent.label'], 'focus stays on the first question\'s heading');
    assert.equal(await widget(page).locator('.sp-error-summary').count(), 0, 'nothing was missed on the way');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

// *Start now* on the preview moves on to the first question, drawn at build time too; the widget,
// once it arrives, starts there and takes over the answer and the focus.
const startNow = (page) => preview(page).getByRole('button', { name: english['start.button'], exact: true });
const urgent = (root, value) => root.locator(`input[name="answers.urgent"][value="${value}"]`);
const URGENT = english['question.urgent.label'];

// The referral build's first pages drawn at build time; the demo pages carry their own mode's.
const PREVIEW_FILE = '/widget/signpost_widget.preview.en.json';

/** The preview's markup, and the first question of `mode` as drawn at build time, both as the browser reads them. */
function previewAndDrawn(page, mode) {
  return page.evaluate(async ({ key, file }) => {
    const drawn = document.createElement('template');
    drawn.innerHTML = (await (await fetch(file)).json()).views[key];
    const shown = document.querySelector('signpost-widget').shadowRoot.querySelector('.sp-root[data-preview]');
    return { shown: shown.innerHTML, drawn: drawn.innerHTML };
  }, { key: `${mode}.first_question`, file: PREVIEW_FILE });
}

// scripts/inline-preview.mjs writes each demo referral page's preview into the page itself.
test('the demo referral pages carry their own preview: the start page shows before the wasm without fetching one', async () => {
  for (const { url, mode } of [{ url: '/', mode: 'self' }, { url: '/demo/assisted.html', mode: 'assisted' }]) {
    const { context, page, files, release } = await openWithWasmHeld(`${server.url}${url}`);
    const carried = await page.evaluate(() => Object.keys(JSON.parse(document.getElementById('signpost-preview').textContent).views));
    assert.deepEqual(carried, [mode, `${mode}.first_question`], 'its own mode\'s pages only');
    assert.ok(!files.some((f) => f.endsWith('.preview.en.json')), `no preview fetched: ${files}`);
    release();
    await widgetDrawn(page);
    await context.close();
  }
});

test('Start now pressed before the wasm arrives shows the first question at once, and its answer, focus and the page carry over', async () => {
  const { context, page, problems, api, release } = await openWithWasmHeld(`${server.url}/`);
  await startNow(page).click();
  assert.equal((await preview(page).locator('h1').innerText()).trim(), URGENT, 'the first question, still before the wasm');
  assert.equal((await focusedControl(page)).text, URGENT, 'focus on its heading, as the widget moves it');
  const { shown, drawn } = await previewAndDrawn(page, 'self');
  assert.equal(shown, drawn, 'the first question exactly as the widget draws it');
  assert.match(await preview(page).locator('.sp-progress').innerText(), /^Page 1 of \d+$/);
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the first question\'s preview');

  await urgent(preview(page), 'no').click(); // a plain HTML radio, before the wasm
  assert.ok(await urgent(preview(page), 'no').isChecked());
  release();
  await widgetDrawn(page);
  assert.equal(await preview(page).count(), 0, 'the widget has taken the preview\'s place');
  assert.equal((await widget(page).locator('h1').innerText()).trim(), URGENT, 'the same page');
  assert.ok(await urgent(widget(page), 'no').isChecked(), 'the answer given carries over');
  assert.deepEqual(await focusedControl(page).then((f) => [f.name, f.value]), ['answers.urgent', 'no'], 'and the focus');
  await press(page, button(page, 'common.continue'));
  assert.equal((await widget(page).locator('h1').innerText()).trim(), english['question.needs.label'], 'Continue leads on');
  assert.deepEqual(api, [], 'nothing sent on the way');
  assert.deepEqual(problems, []);
  await context.close();
});

// Where the widget has drawn out of sight while the person is busy on the preview (it waits for a
// pause to take over), *Start now* moves the preview on at once and presses the widget's own
// Start too, after the volunteer's tick: both are then on the first question.
for (const { mode, url } of [{ mode: 'self', url: '/' }, { mode: 'assisted', url: '/demo/assisted.html' }]) {
  test(`the ${mode} preview's Start, pressed once the widget has drawn out of sight, moves both on at once`, async () => {
    const { context, page, problems, release } = await openWithWasmHeld(`${server.url}${url}`);
    // Focus in the preview, so the key presses below are the person's, busy on it.
    if (mode === 'assisted') await preview(page).getByLabel(english['assisted.present']).check();
    else await startNow(page).focus();
    // Start pressed the moment the widget has drawn, out of sight: what the page shows just after.
    // The observer is in place before the wasm is let through.
    await page.evaluate((label) => {
      window.pressedOnDrawn = new Promise((resolve) => {
        new PerformanceObserver((list, observer) => {
          if (!list.getEntriesByName('signpost:drawn').length) return;
          observer.disconnect();
          const root = document.querySelector('signpost-widget').shadowRoot;
          const shown = () => root.querySelector('.sp-root[data-preview]');
          const still = Boolean(shown());
          if (still) [...shown().querySelectorAll('button')].find((b) => b.textContent.trim() === label).click();
          resolve({ still, heading: shown()?.querySelector('h1').textContent.trim() });
        }).observe({ type: 'mark' });
      });
    }, english['start.button']);
    const pressed = page.evaluate(() => window.pressedOnDrawn);
    release();
    // Busy: a key press every 50 ms keeps the widget from taking over at a pause until then
    // (for at most 20 s: the test fails below if the widget never drew).
    let busy = true;
    pressed.finally(() => { busy = false; });
    for (const until = Date.now() + 20_000; busy && Date.now() < until;) {
      await page.keyboard.press('Control');
      await page.waitForTimeout(50);
    }
    const { still, heading } = await Promise.race([pressed, new Promise((_, reject) => setTimeout(() => reject(new Error('the widget never drew')), 20_000))]);
    assert.ok(still, 'still the preview when Start was pressed, the widget drawn out of sight');
    assert.equal(heading, URGENT, 'the preview moved on at once');
    await widget(page).locator('.sp-root:not([data-preview]) h1', { hasText: URGENT }).waitFor();
    assert.equal(await preview(page).count(), 0, 'the widget, on the same page, has taken over');
    assert.equal((await focusedControl(page)).text, URGENT, 'focus on the first question\'s heading');
    assert.equal(await widget(page).locator('.sp-error-summary').count(), 0, 'nothing missed, the volunteer\'s tick counted');
    await urgent(widget(page), 'no').click();
    await press(page, button(page, 'common.continue'));
    assert.equal((await widget(page).locator('h1').innerText()).trim(), english['question.needs.label']);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('by keyboard alone, the assisted start page\'s box, Start now and the first question before the wasm arrives carry over', async () => {
  const { context, page, problems, release } = await openWithWasmHeld(`${server.url}/demo/assisted.html`);
  await preview(page).getByLabel(english['assisted.present']).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  assert.equal((await focusedControl(page)).text, english['start.button']);
  await page.keyboard.press('Enter');
  assert.equal((await focusedControl(page)).text, URGENT, 'the first question, its heading focused');
  assert.equal(await preview(page).locator('.sp-widget--touch').count(), 1, 'the volunteer\'s larger touch targets');
  const { shown, drawn } = await previewAndDrawn(page, 'assisted');
  assert.equal(shown, drawn);
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the first question\'s preview');
  await page.keyboard.press('Tab'); // into the radios: the first, not yet chosen
  await page.keyboard.press('ArrowDown'); // the second, No, chosen
  assert.deepEqual(await focusedControl(page).then((f) => [f.value, f.checked]), ['no', true]);

  release();
  await widgetDrawn(page);
  assert.equal(await preview(page).count(), 0, 'the widget has taken the preview\'s place');
  assert.ok(await urgent(widget(page), 'no').isChecked(), 'the answer given carries over');
  assert.deepEqual(await focusedControl(page).then((f) => [f.name, f.value]), ['answers.urgent', 'no'], 'and the focus');
  await page.keyboard.press('Tab');
  assert.equal((await focusedControl(page)).text, english['common.continue']);
  const before = await widget(page).locator('h1').innerText();
  await page.keyboard.press('Enter');
  await widget(page).locator('h1', { hasText: english['question.needs.label'] }).waitFor();
  assert.notEqual(before, english['question.needs.label']);
  assert.equal(await widget(page).locator('.sp-error-summary').count(), 0, 'the volunteer\'s box counted');
  assert.deepEqual(problems, []);
  await context.close();
});

test('on the first question before the wasm arrives, Need help now? is kept for the widget, and Exit this page leaves at once', async () => {
  const kept = await openWithWasmHeld(`${server.url}/`);
  await startNow(kept.page).click();
  await preview(kept.page).getByRole('button', { name: english['urgent.link'], exact: true }).click();
  kept.release();
  await widget(kept.page).locator('h1', { hasText: english['urgent.heading'] }).waitFor();
  assert.equal(await preview(kept.page).count(), 0);
  assert.deepEqual(kept.problems, []);
  await kept.context.close();

  const left = await openWithWasmHeld(`${server.url}/`);
  const historyBefore = await left.page.evaluate(() => history.length);
  await startNow(left.page).click();
  await urgent(preview(left.page), 'yes').click();
  await preview(left.page).getByRole('button', { name: english['exit.button'] }).click();
  await left.page.waitForURL(`${EXIT_URL}**`);
  assert.equal(await left.page.evaluate(() => history.length), historyBefore, 'location.replace: no way back');
  left.release();
  await left.context.close();
});

// preview.js keeps a copy of each rule: the widget's `Begin` (the volunteer's box) and the count
// of pages src/config.rs makes of `instrument`.
test('the assisted start page\'s Start, its box not ticked, waits for the widget, which says what is missing', async () => {
  const { context, page, problems, release } = await openWithWasmHeld(`${server.url}/demo/assisted.html`);
  await startNow(page).click();
  assert.equal((await preview(page).locator('h1').innerText()).trim(), english['assisted.heading'], 'still the start page');
  release();
  await widget(page).locator('.sp-error-summary', { hasText: english['error.volunteer_confirmation'] }).waitFor();
  assert.equal(await preview(page).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('with instrument="none" the first question counts one page fewer: Start waits for the widget, which draws it', async () => {
  const { context, page, problems, release } = await openWithWasmHeld(`${server.url}/index.html`, { attributes: 'instrument="none"' });
  await startNow(page).click();
  assert.equal((await preview(page).locator('h1').innerText()).trim(), english['start.heading'], 'still the start page');
  const drawn = await page.evaluate(async (file) => (await (await fetch(file)).json()).views['self.first_question'], PREVIEW_FILE);
  release();
  await widgetDrawn(page);
  await widget(page).locator('h1', { hasText: URGENT }).waitFor();
  const total = (text) => Number(text.match(/of (\d+)/)[1]);
  assert.equal(total(await widget(page).locator('.sp-progress').innerText()), total(drawn) - 1, 'no wellbeing page');
  assert.equal(await widget(page).locator('.sp-error-summary').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a page in another language shows no English preview: the widget draws it in that language', async () => {
  const polish = messagesOf('pl');
  const { context, page, problems, files, release } = await openWithWasmHeld(await followUpLink(), { attributes: 'lang="pl"', expectPreview: false });
  // The look-up has been answered, and still nothing shows until the widget does.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/api/v1/checkins/') && e.responseEnd > 0));
  assert.equal(await preview(page).count(), 0);
  assert.ok(!files.some((f) => f.includes('preview')), `no preview fetched: ${files}`);
  release();
  await widget(page).locator('h1', { hasText: polish['followup.heading'] }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('a look-up that failed before the widget started is asked again by Try again', async () => {
  const { context, page, api, release } = await openWithWasmHeld(await followUpLink(), { expectPreview: false, lookups: ['fails'] });
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.includes('/api/v1/checkins/')));
  release();
  await widget(page).getByText(english['followup.unavailable.unreachable']).waitFor();
  await button(page, 'followup.try_again').click();
  await widget(page).locator('.sp-scale-item').first().waitFor();
  assert.equal(await widget(page).locator('.sp-scale-item').count(), 14);
  assert.deepEqual(api, ['GET', 'GET'], 'the first look-up, failed, and the one Try again made');
  await context.close();
});
