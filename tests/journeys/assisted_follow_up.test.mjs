// Assisted mode on a foodbank tablet, and follow-up check-ins, in headless Chromium against the
// real service: the volunteer's start page, touch-sized targets, the idle warning and clear,
// starting again for someone else, and a follow-up link from the command line through to the
// chart of scores; axe-core on every new page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerAndBrowser, stopServerAndBrowser, openPage, axeViolations, fixture, widgetDrawn, english, widget, button } from './harness.mjs';
import { heading, answerQuestionnaire, answerByMouse, answerByKeyboard, press, where, moved } from './answering.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

async function expectAccessible(page, where) {
  assert.deepEqual(await axeViolations(page), [], `axe-core violations on ${where}`);
}

/**
 * The classes on the follow-up page that the widget's style sheet has rules for but the check-in
 * build's lighter one lacks (scripts/checkin-css.mjs leaves out what only a referral draws): none.
 */
async function classesLeftUnstyled(page) {
  return page.evaluate(async () => {
    const root = document.querySelector('signpost-widget').shadowRoot;
    const sheet = root.querySelector('link[rel=stylesheet]').getAttribute('href');
    const [whole, light] = await Promise.all(['signpost.css', 'signpost_checkin.css']
      .map(async (file) => (await fetch(new URL(file, new URL(sheet, location.href)))).text()));
    const ruled = (css, name) => new RegExp(`\\.${name}(?![\\w-])`).test(css);
    const classes = new Set([...root.querySelectorAll('[class]')].flatMap((element) => [...element.classList]));
    return { sheet: sheet.split('/').pop(), unstyled: [...classes].filter((name) => ruled(whole, name) && !ruled(light, name)) };
  });
}

/** Nothing about anyone left where a page at the service's origin could read it. */
async function expectNothingLeft(page) {
  const left = await page.evaluate(async () => ({
    cookies: document.cookie, local: localStorage.length, session: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).length, caches: (await caches.keys()).length,
  }));
  assert.deepEqual(left, { cookies: '', local: 0, session: 0, indexedDB: 0, caches: 0 });
}

/** Every control in the widget is at least `size` CSS pixels in both directions. */
async function expectTargetsAtLeast(page, size, where) {
  const small = await widget(page).locator('button, input, a, select, textarea').evaluateAll((elements, size) =>
    elements.filter((e) => e.getClientRects().length).map((e) => {
      // A checkbox or radio's target is its row: the label is part of it (WCAG 2.5.8).
      const target = e.closest('.sp-checkboxes__item, .sp-radios__item') ?? e;
      const box = target.getBoundingClientRect();
      return { text: (e.innerText || e.value || e.name).slice(0, 40), width: box.width, height: box.height };
    }).filter((b) => b.width < size || b.height < size), size);
  assert.deepEqual(small, [], `targets under ${size}px on ${where}`);
}

/** Replaces the page's widget with one carrying extra attributes, as a host page would have it. */
async function remountWith(page, attributes) {
  await page.evaluate((attributes) => {
    const old = document.querySelector('signpost-widget');
    const fresh = document.createElement('signpost-widget');
    for (const { name, value } of old.attributes) fresh.setAttribute(name, value);
    for (const [name, value] of Object.entries(attributes)) fresh.setAttribute(name, value);
    old.replaceWith(fresh);
  }, attributes);
  await widgetDrawn(page);
}

/** Nothing in the widget reaches past the screen's edge, so nothing scrolls sideways. */
async function expectFits(page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${where} scrolls sideways by ${overflow}px`);
}

// A foodbank's tablet may be held either way: landscape, and portrait (768 × 1024).
for (const [orientation, viewport] of [['landscape', { width: 1024, height: 768 }], ['portrait', { width: 768, height: 1024 }]]) {
  test(`a volunteer refers a client on a tablet in ${orientation}, then starts again for someone else`, async () => {
    const body = fixture('valid', 'assisted-arabic-letter-and-swemwbs');
    const { page, context, problems, wasm } = await openPage(browser, `${server.url}/demo/assisted.html`, { viewport });
    assert.deepEqual(wasm, ['signpost_widget_bg.wasm'], 'a referral page fetches the whole widget');
    assert.equal(await heading(page), english['assisted.heading']);
    await expectAccessible(page, 'the volunteer start page');
    await expectTargetsAtLeast(page, 44, 'the volunteer start page');

    await button(page, 'start.button').click();
    await widget(page).locator('.sp-error-summary').waitFor();
    assert.equal((await widget(page).locator('.sp-error-summary a').innerText()).trim(), english['error.volunteer_confirmation']);
    await expectAccessible(page, 'the volunteer start page with its error');
    await widget(page).getByLabel(english['assisted.present']).check();
    await press(page, button(page, 'start.button'));

    await answerQuestionnaire(page, { ...body, language: 'en' }, english, async (where) => {
      await expectTargetsAtLeast(page, 44, where);
      await expectFits(page, `${where} (${orientation})`);
      if (where === english['page.about_you.heading']) {
        const shot = join(tmpdir(), `signpost-assisted-${viewport.width}x${viewport.height}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`# ${where}, assisted, ${orientation}: ${shot}`);
      }
    });
    await press(page, button(page, 'check.continue'));
    await widget(page).getByLabel(english['consent.share']).check();
    await widget(page).getByLabel(english['consent.contact']).check();
    await button(page, 'consent.send').click();
    await widget(page).locator('.sp-reference').waitFor();
    const reference = (await widget(page).locator('.sp-reference').innerText()).trim();
    await expectAccessible(page, 'the assisted confirmation');

    const stored = server.stored(reference);
    assert.equal(stored.channel, 'assisted', 'evaluations can tell assisted answers apart');
    assert.equal(stored.organisation, 'Southside Foodbank');
    assert.equal(stored.wellbeing.instrument, 'swemwbs');

    await press(page, button(page, 'confirmation.start_again'));
    assert.equal(await heading(page), english['assisted.heading']);
    assert.equal(await widget(page).getByText(reference).count(), 0, "the last client's reference is gone");
    assert.equal(await widget(page).getByLabel(english['assisted.present']).isChecked(), false);
    await widget(page).getByLabel(english['assisted.present']).check();
    await press(page, button(page, 'start.button'));
    await answerByMouse(page, new Map([['answers.urgent', 'no']]));
    await press(page, button(page, 'common.continue'));
    assert.equal(await widget(page).locator('input[name="answers.needs"]:checked').count(), 0, "none of the last client's answers");
    await expectNothingLeft(page);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('on a tablet left alone, a warning offers more time, then everything is cleared', async () => {
  const { page, context, problems } = await openPage(browser, `${server.url}/demo/assisted.html`);
  await page.clock.install();
  await remountWith(page, { 'idle-timeout': '5', 'idle-warning': '5' });
  await widget(page).getByLabel(english['assisted.present']).check();
  await press(page, button(page, 'start.button'));
  await answerByMouse(page, new Map([['answers.urgent', 'no']]));
  await press(page, button(page, 'common.continue'));
  await answerByMouse(page, new Map([['answers.needs', ['food']]]));

  await page.clock.fastForward(5500);
  const dialog = widget(page).getByRole('dialog', { name: english['idle.heading'] });
  await dialog.waitFor();
  await expectAccessible(page, 'the idle warning');
  assert.equal(await page.evaluate(() => document.querySelector('signpost-widget').shadowRoot.activeElement?.innerText), english['idle.more_time'], 'focus moves to the warning');
  await dialog.getByRole('button', { name: english['idle.more_time'] }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.ok(await widget(page).locator('input[value="food"]').isChecked(), 'more time keeps the answers');

  await page.clock.fastForward(5500);
  await dialog.waitFor();
  await page.clock.fastForward(5500);
  await widget(page).getByText(english['start.timed_out']).waitFor();
  assert.equal(await heading(page), english['assisted.heading']);
  await expectAccessible(page, 'the start page after an idle clear');
  await widget(page).getByLabel(english['assisted.present']).check();
  await press(page, button(page, 'start.button'));
  assert.equal(await widget(page).locator('input[name="answers.urgent"]:checked').count(), 0, 'the answers are gone');
  await expectNothingLeft(page);
  assert.deepEqual(problems, []);
  await context.close();
});

/** Refers someone through the API, returning the reference. */
async function refer(body) {
  const response = await fetch(`${server.url}/api/v1/referrals`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: JSON.stringify(body),
  });
  assert.equal(response.status, 201);
  return (await response.json()).reference;
}

test('a returning patient follows their link, answers the same scale, and sees how they have changed', async () => {
  const baseline = fixture('valid', 'phone-self-referral'); // WEMWBS, total 33
  const link = server.followUpLink(await refer(baseline));
  assert.match(link, /\/demo\/follow-up\.html\?checkin=[A-Za-z0-9_-]{43}$/, 'a 256-bit token');
  const { page, context, problems, wasm, api } = await openPage(browser, link);
  assert.equal(await heading(page), english['followup.heading']);
  assert.deepEqual(wasm, ['signpost_checkin_bg.wasm'], 'a follow-up page fetches the small check-in build alone');
  assert.ok(!page.url().includes('checkin='), 'the token is taken out of the address once read');
  await widget(page).locator('.sp-scale-item').first().waitFor();
  assert.equal(await heading(page), english['followup.heading'], 'the questions come with what they are for: no start page');
  await widget(page).getByText(english['followup.no_personal']).waitFor();
  assert.equal(await widget(page).locator('.sp-back-link').count(), 0, 'the questions are the first page');
  const token = link.split('checkin=')[1];
  assert.deepEqual(api, [`GET /api/v1/checkins/${token}`], 'the link is looked up once, by embed.js while the wasm loads');
  assert.equal(await widget(page).locator('.sp-scale-item').count(), 14, 'the same scale as at the start');
  const asked = await widget(page).locator('input').evaluateAll((inputs) => [...new Set(inputs.map((i) => i.name.replace(/\d+$/, '')))]);
  assert.deepEqual(asked, ['wellbeing.items.'], 'only the scale is asked');
  assert.equal(await button(page, 'wellbeing.skip').count(), 0);
  await expectAccessible(page, 'the follow-up questions');
  await press(page, button(page, 'followup.send'));
  assert.ok(await widget(page).locator('.sp-error-summary').count(), 'every statement needs an answer');
  assert.deepEqual(await classesLeftUnstyled(page), { sheet: 'signpost_checkin.css', unstyled: [] }, 'the check-in build\'s own style sheet has all it draws');
  await answerByMouse(page, new Map(Array.from({ length: 14 }, (_, i) => [`wellbeing.items.${i + 1}`, '3'])));
  await press(page, button(page, 'followup.send'));
  // "Sending your answers" shows first; the result only once the service has stored them.
  await widget(page).locator('h1', { hasText: english['followup.result.heading'] }).waitFor();
  const words = english['followup.result.up'].replace('{change}', '9');
  assert.equal((await widget(page).locator('.sp-change').innerText()).trim(), words, '33 to 42 is a meaningful rise');
  assert.equal(await widget(page).getByRole('img', { name: english['followup.result.chart_title'] }).count(), 1, 'the chart has a text alternative');
  const rows = await widget(page).locator('.sp-table tbody tr').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /When you started.*\t33$/s);
  assert.match(rows[1], /Today.*\t42$/s);
  await expectAccessible(page, 'the follow-up result');
  assert.deepEqual((await classesLeftUnstyled(page)).unstyled, [], 'the result page\'s classes, the chart\'s too');

  // The link is for one check-in.
  await page.goto(link);
  await widget(page).locator('h1').waitFor();
  await widget(page).getByText(english['followup.unavailable.used']).waitFor();
  await expectAccessible(page, 'a used link');
  assert.deepEqual((await classesLeftUnstyled(page)).unstyled, []);
  await expectNothingLeft(page);
  // The browser itself logs the service's 410 for the used link; the widget adds nothing.
  assert.deepEqual(problems.filter((p) => !/status of 410/.test(p)), []);
  await context.close();
});

test('a small change is called the normal ups and downs, and a skipped baseline has nothing to compare', async () => {
  const swemwbs = fixture('valid', 'assisted-arabic-letter-and-swemwbs'); // SWEMWBS raw 14 -> 15.32
  const link = server.followUpLink(await refer(swemwbs));
  const { page, context } = await openPage(browser, link);
  await widget(page).locator('.sp-scale-item').first().waitFor();
  assert.equal(await widget(page).locator('.sp-scale-item').count(), 7);
  // Raw 15 -> 15.84: a change of 0.52 metric points.
  await answerByMouse(page, new Map([1, 2, 2, 2, 2, 3, 3].map((v, i) => [`wellbeing.items.${i + 1}`, String(v)])));
  await press(page, button(page, 'followup.send'));
  assert.equal((await widget(page).locator('.sp-change').innerText()).trim(), english['followup.result.same'].replace('{change}', '0.52'));

  const { wellbeing, ...skipped } = fixture('valid', 'email-and-text-with-evaluation');
  const second = server.followUpLink(await refer(skipped));
  await page.goto(second);
  await widget(page).locator('.sp-scale-item').first().waitFor();
  await answerByMouse(page, new Map(Array.from({ length: 14 }, (_, i) => [`wellbeing.items.${i + 1}`, '4'])));
  await press(page, button(page, 'followup.send'));
  assert.equal((await widget(page).locator('.sp-change').innerText()).trim(), english['followup.result.first']);
  assert.equal(await widget(page).locator('.sp-table tbody tr').count(), 1);
  await context.close();
});

test('an expired, unknown or missing link says what to do next', async () => {
  const expired = server.followUpLink(await refer(fixture('valid', 'phone-self-referral')), '--valid-days', '0');
  const cases = [
    [expired, 'followup.unavailable.expired'],
    [`${server.url}/demo/follow-up.html?checkin=${'A'.repeat(43)}`, 'followup.unavailable.unknown'],
    [`${server.url}/demo/follow-up.html`, 'followup.unavailable.no_link'],
  ];
  for (const [link, key] of cases) {
    const { page, context, problems } = await openPage(browser, link);
    await widget(page).getByText(english[key]).waitFor();
    assert.equal(await heading(page), english['followup.unavailable.heading']);
    await expectAccessible(page, key);
    // The browser itself logs the service's 404 or 410 for the link; the widget adds nothing.
    assert.deepEqual(problems.filter((p) => !/status of (404|410)/.test(p)), [], key);
    await context.close();
  }
});

test('the assisted start and a follow-up check-in work by keyboard alone', async () => {
  // Assisted: the volunteer's confirmation and Start, by keyboard.
  const assisted = await openPage(browser, `${server.url}/demo/assisted.html`);
  let before = await where(assisted.page);
  await answerByKeyboard(assisted.page, new Map([['volunteer.present', ['present']]]), english['start.button']);
  await assisted.page.keyboard.press('Enter');
  await moved(assisted.page, before);
  assert.equal(await heading(assisted.page), english['question.urgent.label']);
  await assisted.context.close();

  // Follow-up: fourteen statements with the arrow keys, then Send.
  const link = server.followUpLink(await refer(fixture('valid', 'phone-self-referral')));
  const { page, context, problems } = await openPage(browser, link);
  await widget(page).locator('.sp-scale-item').first().waitFor();
  const answers = new Map(Array.from({ length: 14 }, (_, i) => [`wellbeing.items.${i + 1}`, String((i % 5) + 1)]));
  await answerByKeyboard(page, answers, english['followup.send']);
  await page.keyboard.press('Enter');
  await widget(page).locator('h1', { hasText: english['followup.result.heading'] }).waitFor();
  const rows = await widget(page).locator('.sp-table tbody tr').allInnerTexts();
  assert.match(rows[1], /\t40$/, 'items 1,2,3,4,5,1,2,3,4,5,1,2,3,4 sum to 40');
  assert.deepEqual(problems, []);
  await context.close();
});
