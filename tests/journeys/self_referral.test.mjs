// The self-referral journey in headless Chromium against the real signpost-server: by mouse, by
// keyboard alone, through every validation error, and through a flaky network. axe-core checks
// every page, error states included; each journey asserts what the service stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServerAndBrowser, stopServerAndBrowser, openPage, axeViolations, fixture, english, widget } from './harness.mjs';
import { heading, wanted, answerByMouse, answerByKeyboard, focusedControl, moved, press, where, answerQuestionnaire } from './answering.mjs';

const REFERENCE = /^SP-[A-Z0-9]{4}-[A-Z0-9]{4}$/;

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

const continueButton = (page) => widget(page).getByRole('button', { name: english['common.continue'], exact: true });

async function expectAccessible(page, where) {
  assert.deepEqual(await axeViolations(page), [], `axe-core violations on ${where}`);
}

/** What the service makes of the fixture sent straight to its API: the canonical referral. */
async function canonicalOf(body) {
  const response = await fetch(`${server.url}/api/v1/referrals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return server.stored((await response.json()).reference);
}

/** Answers every questionnaire page by mouse in English, with axe on each page. */
async function answerAllByMouse(page, body, onPage = async () => {}) {
  return answerQuestionnaire(page, body, english, async (where) => {
    await expectAccessible(page, where);
    await onPage(where);
  });
}

async function consentAndSend(page, purposes) {
  await press(page, continueButton(page));
  assert.equal(await heading(page), english['consent.heading']);
  await expectAccessible(page, 'the consent page');
  return send(page, purposes);
}

/** Ticks the consent `purposes` and sends; returns the reference the service gave. */
async function send(page, purposes) {
  const labels = { share_with_service: 'consent.share', contact_me: 'consent.contact', evaluation: 'consent.evaluation' };
  for (const purpose of purposes) await widget(page).getByLabel(english[labels[purpose]]).check();
  await widget(page).getByRole('button', { name: english['consent.send'] }).click();
  await widget(page).locator('.sp-reference').waitFor();
  return (await widget(page).locator('.sp-reference').innerText()).trim();
}

test('a patient refers themselves by mouse, and the service stores what they answered', async () => {
  const body = fixture('valid', 'phone-self-referral');
  const { page, context, problems } = await openPage(browser, server.url);
  await expectAccessible(page, 'the start page');
  await widget(page).getByRole('button', { name: english['start.button'] }).click();
  assert.match(await widget(page).locator('.sp-progress').innerText(), /^Page 1 of \d+$/);

  const seen = await answerAllByMouse(page, body);
  assert.deepEqual(seen.slice(0, 4), [
    english['question.urgent.label'], english['question.needs.label'],
    english['question.money_behind_with_bills.label'], english['question.housing_at_risk.label'],
  ], 'a follow-up page for each need chosen, in order');
  console.log(`# pages answered in this journey: ${seen.length} questionnaire pages + check answers + consent`);

  assert.equal(await heading(page), english['check.heading']);
  const summary = await widget(page).locator('.sp-summary-list').innerText();
  for (const shown of ['Morag Campbell', '14 6 1971', 'G31 2ER', english['question.needs.option.housing'], english['check.wellbeing_answered'].replace('{count}', '14')]) {
    assert.ok(summary.includes(shown), `check answers shows ${shown}`);
  }
  const rows = await widget(page).locator('.sp-summary-list__row').count();
  assert.ok(rows > seen.length, 'every question asked is listed');
  assert.equal(await widget(page).getByRole('button', { name: /^Change/ }).count(), rows, 'a Change link per answer');
  await expectAccessible(page, 'check your answers');

  const reference = await consentAndSend(page, body.consent.purposes);
  assert.match(reference, REFERENCE);
  assert.equal(await heading(page), english['confirmation.heading']);
  assert.ok(await widget(page).locator('a[href="tel:116123"]').count(), 'the crisis lines are on the confirmation');
  await expectAccessible(page, 'the confirmation page');

  const stored = server.stored(reference);
  assert.equal(Object.keys(stored)[1], 'safe_contact', 'how it is safe to contact the person comes first');
  assert.deepEqual(stored.safe_contact, { safe_voicemail: 'no' });
  const expected = await canonicalOf(body);
  assert.deepEqual(stored.referral, expected.referral, 'the journey stored what the fixture, sent directly, stores');
  const total = body.wellbeing.items.reduce((sum, item) => sum + item, 0);
  assert.equal(stored.wellbeing.score, total, 'the service scored the WEMWBS items itself');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the whole journey works by keyboard alone', async () => {
  const body = fixture('valid', 'email-and-text-with-evaluation');
  const byName = wanted(body);
  const { page, context, problems } = await openPage(browser, server.url);

  await answerByKeyboard(page, byName, english['start.button']);
  await page.keyboard.press('Enter');
  while ((await heading(page)) !== english['check.heading']) {
    const before = await where(page);
    const skip = (await heading(page)) === english['page.wellbeing.heading'];
    await answerByKeyboard(page, byName, skip ? english['wellbeing.skip'] : english['common.continue']);
    await page.keyboard.press('Enter');
    await moved(page, before); // and focus is on the new heading
    assert.equal(await widget(page).locator('.sp-error-summary').count(), 0, `no errors after ${before}`);
  }
  await answerByKeyboard(page, byName, english['check.continue']);
  await page.keyboard.press('Enter');
  await widget(page).locator('input[name="consent.purposes"]').first().waitFor();
  await answerByKeyboard(page, new Map([['consent.purposes', body.consent.purposes]]), english['consent.send']);
  await page.keyboard.press('Enter');

  await widget(page).locator('.sp-reference').waitFor();
  const stored = server.stored((await widget(page).locator('.sp-reference').innerText()).trim());
  // The demo page is practice 43210, whatever the fixture says.
  assert.deepEqual(stored.referral, (await canonicalOf({ ...body, practice: '43210' })).referral);
  assert.equal(stored.wellbeing, null, 'the check-in was skipped');
  assert.deepEqual(problems, []);
  await context.close();
});

test('every validation error is shown once, accessible, and fixed without losing answers', async () => {
  const { page, context, problems } = await openPage(browser, server.url);
  const w = widget(page);
  const title = await page.title();
  const expectErrors = async (messages, where) => {
    await w.locator('.sp-error-summary').waitFor();
    assert.deepEqual((await w.locator('.sp-error-summary a').allInnerTexts()).map((t) => t.trim()), messages, where);
    assert.match(await page.title(), /^Error: /, 'the page title starts with "Error:"');
    assert.match(await focusedControl(page).then((f) => f.text), /There is a problem/, 'the summary takes focus');
    await expectAccessible(page, `${where} with errors`);
  };
  const answer = (pairs) => answerByMouse(page, new Map(Object.entries(pairs)));
  const cont = () => press(page, continueButton(page));

  await w.getByRole('button', { name: english['start.button'] }).click();
  await cont();
  await expectErrors([english['question.urgent.error_missing']], 'the urgent question');
  await answer({ 'answers.urgent': 'yes' });
  await cont();
  assert.equal(await heading(page), english['urgent_advice.heading']);
  await expectAccessible(page, 'the urgent advice page');
  await press(page, w.getByRole('button', { name: english['urgent_advice.continue'] }));

  await cont();
  await expectErrors([english['question.needs.error_missing']], 'the needs question');
  await answer({ 'answers.needs': ['housing', 'something_else'] });
  await cont();
  await cont();
  await expectErrors([english['question.housing_at_risk.error_missing']], 'the housing follow-up');
  await answer({ 'answers.housing_at_risk': 'no' });
  await cont();
  await cont();
  await expectErrors([english['question.something_else_detail.error_missing']], 'the something-else follow-up');
  await answer({ 'answers.something_else_detail': 'Help with forms' });
  await cont();

  await answer({ 'answers.name': 'x'.repeat(101), 'answers.date_of_birth-day': '31', 'answers.date_of_birth-month': '4', 'answers.date_of_birth-year': '1990', 'answers.postcode': '75001' });
  await cont();
  await expectErrors([english['error.text_too_long'].replace('{max}', '100'), english['error.date_not_real'], english['error.postcode_not_uk']], 'about you');
  assert.equal(await w.locator('#sp-answers-name').getAttribute('aria-invalid'), 'true');
  await w.locator('.sp-error-summary a').nth(1).click();
  assert.equal((await focusedControl(page)).name, 'answers.date_of_birth-day', 'a summary link focuses its field');
  await answer({ 'answers.name': '', 'answers.date_of_birth-day': '1', 'answers.date_of_birth-month': '1', 'answers.date_of_birth-year': '2999', 'answers.postcode': 'eh11yz' });
  await cont();
  await expectErrors([english['question.name.error_missing'], english['error.date_in_future']], 'about you, again');
  // A pasted name carrying a right-to-left override is refused before sending, in words (issue 13).
  await answer({ 'answers.name': '\u202eJo Bloggs', 'answers.date_of_birth-year': '1999' });
  await cont();
  await expectErrors([english['error.text_hidden_character']], 'about you, a hidden character');
  await answer({ 'answers.name': 'Jo Bloggs' });
  await cont();

  await cont();
  await expectErrors([english['question.contact_methods.error_missing']], 'contact methods');
  await answer({ 'answers.contact_methods': ['phone', 'email', 'letter'] });
  await cont();
  await answer({ 'answers.phone': '12345', 'answers.email': 'jo.example.com' });
  await cont();
  await expectErrors([
    english['error.phone_not_uk'], english['question.safe_voicemail.error_missing'], english['error.email_malformed'],
    english['question.address.error_missing'], english['question.safe_letter.error_missing'],
  ], 'contact details');
  await answer({ 'answers.phone': '0770O 900123' });
  await cont();
  await expectErrors([
    english['error.phone_invalid_characters'], english['question.safe_voicemail.error_missing'], english['error.email_malformed'],
    english['question.address.error_missing'], english['question.safe_letter.error_missing'],
  ], 'contact details, again');
  await answer({ 'answers.phone': '07700 900123', 'answers.safe_voicemail': 'yes', 'answers.email': 'jo@example.com', 'answers.address': '1 High Street, Perth', 'answers.safe_letter': 'no' });
  await cont();

  await answer({ 'answers.interpreter': 'yes' });
  await cont();
  await expectErrors([english['question.interpreter_language.error_missing']], 'contacting you');
  await answer({ 'answers.interpreter_language': 'BSL' });
  await cont();

  await cont();
  await expectErrors([english['question.wellbeing.error_missing']], 'the wellbeing check-in');
  await answer({ 'wellbeing.items.1': '4' });
  await cont();
  assert.equal(await w.locator('.sp-error-summary a').count(), 13, 'each unanswered statement is named');
  await expectAccessible(page, 'the wellbeing check-in with unanswered statements');
  await answer(Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`wellbeing.items.${i + 1}`, '3'])));
  await cont();
  assert.equal(await heading(page), english['check.heading']);
  assert.equal(await page.title(), title, 'the title loses "Error:" once fixed');

  // A Change link goes to the page with its answers kept, then comes back.
  await press(page, w.getByRole('button', { name: `${english['common.change']} ${english['question.postcode.label']}` }));
  assert.equal(await w.locator('#sp-answers-postcode').inputValue(), 'eh11yz');
  await cont();
  assert.equal(await heading(page), english['check.heading']);

  await press(page, continueButton(page));
  await w.getByRole('button', { name: english['consent.send'] }).click();
  await expectErrors([english['error.consent_share_missing'], english['error.consent_contact_missing']], 'consent');
  const reference = await send(page, ['share_with_service', 'contact_me']);
  const stored = server.stored(reference).referral;
  assert.equal(stored.answers.postcode, 'EH1 1YZ');
  assert.equal(stored.answers.date_of_birth, '1999-01-01');
  assert.equal(stored.answers.phone, '07700900123');
  assert.equal(stored.answers.housing_at_risk, 'no');
  assert.deepEqual(stored.wellbeing.items, Array(14).fill(3));
  assert.deepEqual(problems, []);
  await context.close();
});

test('a failed send says so plainly, retries with the same key, and never confirms early', async () => {
  const body = fixture('valid', 'phone-self-referral');
  const { page, context } = await openPage(browser, server.url);
  const w = widget(page);
  const keys = [];
  let failuresLeft = 2;
  await page.route('**/api/v1/referrals', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (failuresLeft-- > 0) await route.abort('internetdisconnected');
    else await route.continue();
  });
  await w.getByRole('button', { name: english['start.button'] }).click();
  await answerAllByMouse(page, body);
  await press(page, continueButton(page));
  await w.getByLabel(english['consent.share']).check();
  await w.getByLabel(english['consent.contact']).check();
  await w.getByRole('button', { name: english['consent.send'] }).click();

  await w.getByText(/have not been sent yet/).waitFor();
  assert.equal(await w.locator('.sp-reference').count(), 0, 'no confirmation before acknowledgement');
  await expectAccessible(page, 'the retrying page');
  await w.locator('.sp-reference').waitFor();
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1, 'every attempt carries the same idempotency key');

  // Everything down: after its retries the widget says so and offers to try again.
  await page.unroute('**/api/v1/referrals');
  await page.route('**/api/v1/referrals', (route) => route.abort('internetdisconnected'));
  await page.reload();
  await w.getByRole('button', { name: english['start.button'] }).click();
  await answerAllByMouse(page, body);
  await press(page, continueButton(page));
  await w.getByLabel(english['consent.share']).check();
  await w.getByLabel(english['consent.contact']).check();
  await w.getByRole('button', { name: english['consent.send'] }).click();
  await w.getByRole('button', { name: english['failed.try_again'] }).waitFor({ timeout: 15000 });
  assert.equal(await heading(page), english['failed.heading']);
  await expectAccessible(page, 'the failed page');

  await page.unroute('**/api/v1/referrals');
  await w.getByRole('button', { name: english['failed.try_again'] }).click();
  await w.locator('.sp-reference').waitFor();
  const reference = (await w.locator('.sp-reference').innerText()).trim();
  assert.equal(server.stored(reference).referral.answers.name, 'Morag Campbell');
  await context.close();
});

test('every page fits a 320 px wide screen (or 200% zoom) without sideways scrolling', async () => {
  const body = fixture('valid', 'email-and-text-with-evaluation');
  const { page, context, problems } = await openPage(browser, server.url, { viewport: { width: 320, height: 640 } });
  const fits = async (where) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${where} scrolls sideways by ${overflow}px at 320px`);
  };
  await fits('the start page');
  await widget(page).getByRole('button', { name: english['start.button'] }).click();
  await answerAllByMouse(page, { ...body, wellbeing: undefined }, fits);
  await fits('check your answers');
  await press(page, continueButton(page));
  await fits('the consent page');
  assert.deepEqual(problems, []);
  await context.close();
});
