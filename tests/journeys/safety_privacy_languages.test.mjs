// Safety, privacy and languages, in headless Chromium against the real service: Exit this page
// (button and Shift ×3), nothing left in the browser, no request to any other host, and the
// journey in every language, Arabic right to left, with axe-core on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServerAndBrowser, stopServerAndBrowser, openPage, axeViolations, fixture, EXIT_URL, fakeNeutralSite, messagesOf, english, widget } from './harness.mjs';
import { heading, answerQuestionnaire, press, wanted, answerByMouse } from './answering.mjs';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

/** Everything a page at the service's origin can see of what was left behind. */
async function leftInBrowser(context) {
  const page = await context.newPage();
  await page.goto(`${server.url}/demo/site.css`);
  const found = await page.evaluate(async () => ({
    cookies: document.cookie,
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).length,
    cacheStorage: (await caches.keys()).length,
  }));
  found.contextCookies = (await context.cookies()).length;
  await page.close();
  return found;
}
const NOTHING = { cookies: '', localStorage: 0, sessionStorage: 0, indexedDB: 0, cacheStorage: 0, contextCookies: 0 };

async function answerFirstPages(page) {
  await widget(page).getByRole('button', { name: english['start.button'] }).click();
  await answerByMouse(page, new Map([['answers.urgent', 'no']]));
  await press(page, widget(page).getByRole('button', { name: english['common.continue'], exact: true }));
  await answerByMouse(page, new Map([['answers.needs', ['relationships_or_safety']]]));
}

for (const how of ['the button', 'pressing Shift three times']) {
  test(`Exit this page by ${how} replaces the page, forgets the answers and leaves no way back`, async () => {
    const { page, context } = await openPage(browser, server.url);
    await fakeNeutralSite(context);
    const formUrl = page.url();
    const historyBefore = await page.evaluate(() => history.length);
    await answerFirstPages(page);
    if (how === 'the button') {
      await widget(page).getByRole('button', { name: english['exit.button'] }).click();
    } else {
      for (let i = 0; i < 3; i++) await page.keyboard.press('Shift');
    }
    await page.waitForURL(`${EXIT_URL}**`);
    assert.equal(await page.locator('h1').innerText(), 'Weather');
    assert.equal(await page.evaluate(() => history.length), historyBefore, 'location.replace: no new history entry');
    await page.goBack();
    assert.notEqual(page.url(), formUrl, 'Back does not return to the form');
    assert.deepEqual(await leftInBrowser(context), NOTHING);
    await context.close();
  });
}

test('two Shift presses, or three spread over more than five seconds, do not exit', async () => {
  const { page, context } = await openPage(browser, server.url);
  await fakeNeutralSite(context);
  await page.clock.install();
  await page.reload();
  await widget(page).locator('h1').waitFor();
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  await page.clock.fastForward(6000);
  await page.keyboard.press('Shift');
  assert.equal(await heading(page), english['start.heading']);
  assert.equal(new URL(page.url()).origin, server.url);
  await context.close();
});

test('a whole journey leaves nothing in the browser and talks to no one but the service', async () => {
  const context = await browser.newContext();
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  await page.goto(server.url);
  await widget(page).locator('h1').waitFor();
  await widget(page).getByRole('button', { name: english['start.button'] }).click();
  await answerQuestionnaire(page, fixture('valid', 'phone-self-referral'), english);
  await press(page, widget(page).getByRole('button', { name: english['common.continue'], exact: true }));
  await widget(page).getByLabel(english['consent.share']).check();
  await widget(page).getByLabel(english['consent.contact']).check();
  await widget(page).getByRole('button', { name: english['consent.send'] }).click();
  await widget(page).locator('.sp-reference').waitFor();

  assert.equal(page.url(), `${server.url}/`, 'no answers in the page address');
  assert.deepEqual(await leftInBrowser(context), NOTHING);
  const elsewhere = requests.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith('data:'));
  assert.deepEqual(elsewhere, [], 'every request goes to the configured service');
  assert.ok(requests.some((url) => url.endsWith('/api/v1/referrals')));
  await context.close();
});

test('the language comes from the lang attribute, else the browser, else English', async () => {
  const polish = messagesOf('pl');
  const context = await browser.newContext({ locale: 'pl-PL' });
  const page = await context.newPage();
  await page.goto(server.url);
  // Languages other than English arrive as a file of their own, just after the widget.
  await page.locator('signpost-widget h1', { hasText: polish['start.heading'] }).waitFor();
  assert.equal(await heading(page), polish['start.heading'], "the browser's preferred language");
  // A page that says lang="gd" gets Gaelic whatever the browser prefers.
  await page.evaluate(() => {
    const old = document.querySelector('signpost-widget');
    const gaelic = document.createElement('signpost-widget');
    for (const { name, value } of old.attributes) gaelic.setAttribute(name, value);
    gaelic.setAttribute('lang', 'gd');
    old.replaceWith(gaelic);
  });
  await page.locator('signpost-widget h1', { hasText: messagesOf('gd')['start.heading'] }).waitFor();
  assert.equal(await heading(page), messagesOf('gd')['start.heading']);
  await context.close();
});

test('switching language mid-journey keeps every answer', async () => {
  const polish = messagesOf('pl');
  const { page, context, problems } = await openPage(browser, server.url);
  await answerFirstPages(page);
  await press(page, widget(page).getByRole('button', { name: english['common.continue'], exact: true }));
  await widget(page).locator('input[name="answers.safe_to_contact_at_home"][value="no"]').check();
  await press(page, widget(page).getByRole('button', { name: polish['_meta.language_name'] }));
  assert.equal(await heading(page), polish['question.safe_to_contact_at_home.label']);
  assert.ok(await widget(page).locator('input[name="answers.safe_to_contact_at_home"][value="no"]').isChecked());
  await press(page, widget(page).getByRole('button', { name: polish['common.back'] }));
  assert.equal(await heading(page), polish['question.needs.label']);
  assert.ok(await widget(page).locator('input[value="relationships_or_safety"]').isChecked());
  assert.deepEqual(problems, []);
  await context.close();
});

for (const language of ['gd', 'pl', 'ar']) {
  test(`the whole journey in ${language}, accessible on every page${language === 'ar' ? ', right to left' : ''}`, async () => {
    const messages = messagesOf(language);
    const { page, context, problems } = await openPage(browser, server.url);
    await press(page, widget(page).getByRole('button', { name: messages['_meta.language_name'] }));
    const section = widget(page).locator('section.sp-widget');
    assert.equal(await section.getAttribute('lang'), language);
    const direction = await section.evaluate((e) => getComputedStyle(e).direction);
    assert.equal(direction, language === 'ar' ? 'rtl' : 'ltr');
    const check = async (where) => assert.deepEqual(await axeViolations(page), [], `axe-core on ${where} (${language})`);
    await check('the start page');
    await widget(page).getByRole('button', { name: messages['start.button'] }).click();
    // Every validation error page once, in this language.
    await widget(page).getByRole('button', { name: messages['common.continue'], exact: true }).click();
    await widget(page).locator('.sp-error-summary').waitFor();
    assert.equal((await widget(page).locator('.sp-error-summary a').innerText()).trim(), messages['question.urgent.error_missing']);
    await check('an error page');
    await answerByMouse(page, new Map([['answers.urgent', 'no']]));
    await press(page, widget(page).getByRole('button', { name: messages['common.continue'], exact: true }));
    const body = fixture('valid', 'phone-self-referral');
    await answerQuestionnaire(page, body, messages, check);
    await check('check your answers');
    await press(page, widget(page).getByRole('button', { name: messages['check.continue'], exact: true }));
    await check('consent');
    await widget(page).getByLabel(messages['consent.share']).check();
    await widget(page).getByLabel(messages['consent.contact']).check();
    await widget(page).getByRole('button', { name: messages['consent.send'] }).click();
    await widget(page).locator('.sp-reference').waitFor();
    await check('confirmation');
    const reference = (await widget(page).locator('.sp-reference').innerText()).trim();
    const stored = server.stored(reference);
    assert.equal(stored.language, language, 'the language used is recorded');
    assert.equal(stored.referral.language, language);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
