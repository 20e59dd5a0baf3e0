// The self-referral journey in headless Chromium against the real signpost-server:
// by mouse, by keyboard alone, through its errors, and through a flaky network.
// axe-core checks every page, error states included; each journey asserts the stored referral.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, openPage, axeViolations, fixture, heading } from './harness.mjs';

const english = JSON.parse(readFileSync(new URL('../../static/i18n/en.json', import.meta.url), 'utf8'));
const REFERENCE = /^SP-[A-Z0-9]{4}-[A-Z0-9]{4}$/;

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const widget = (page) => page.locator('signpost-widget');

async function expectAccessible(page, where) {
  assert.deepEqual(await axeViolations(page), [], `axe-core violations on ${where}`);
}

/** What has focus inside the widget: its tag and its text or label. */
async function focused(page) {
  return page.evaluate(() => {
    const active = document.querySelector('signpost-widget').shadowRoot.activeElement;
    if (!active) return null;
    const label = active.labels?.[0]?.innerText ?? active.innerText ?? '';
    return `${active.tagName.toLowerCase()}: ${label.trim()}`;
  });
}

/** Matches exactly `role: text`, with the text's regex characters escaped. */
const exactly = (role, text) => new RegExp(`^${role}: ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Presses Tab until the widget's focused element matches `pattern`; keyboard only. */
async function tabTo(page, pattern) {
  for (let presses = 0; presses < 40; presses++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now && pattern.test(now)) return;
  }
  assert.fail(`Tab never reached ${pattern}`);
}

/** The expected stored form of a fixture: what the service keeps after checking it. */
function canonical(body) {
  const phone = body.contact.phone?.replace(/[^\d+]/g, '').replace(/^\+44/, '0');
  return {
    ...body,
    needs: [...body.needs].sort((a, b) => needOrder(a) - needOrder(b)),
    contact: { methods: body.contact.methods, ...(phone ? { phone } : {}) },
    consent: { ...body.consent, purposes: [...body.consent.purposes].sort((a, b) => purposeOrder(a) - purposeOrder(b)) },
  };
}
const needKeys = Object.keys(english).filter((k) => k.startsWith('need.')).map((k) => k.slice(5));
const needOrder = (need) => needKeys.indexOf(need);
const purposeOrder = (p) => ['share_with_service', 'contact_me', 'evaluation'].indexOf(p);

test('a patient refers themselves by mouse, and the service stores exactly what they sent', async () => {
  const body = fixture('valid', 'phone-self-referral');
  const { page, context, problems } = await openPage(browser, server.url);
  await expectAccessible(page, 'the start page');

  await widget(page).getByRole('button', { name: english['start.button'] }).click();
  assert.equal(await heading(page), english['needs.heading']);
  assert.match(await focused(page), /^h1: /, 'focus moves to the new page heading');
  assert.match(await widget(page).locator('.sp-progress').innerText(), /Question 1 of 4/);
  await expectAccessible(page, 'the needs page');

  // Continue with nothing chosen: the error summary takes focus and links to the field.
  await widget(page).getByRole('button', { name: english['common.continue'] }).click();
  await widget(page).locator('.sp-error-summary').waitFor();
  assert.match(await focused(page), /^div: There is a problem/);
  await expectAccessible(page, 'the needs page with an error');
  await widget(page).locator('.sp-error-summary a').click();
  assert.equal(await focused(page), `input: ${english['need.money_and_debt']}`);

  for (const need of body.needs) await widget(page).getByLabel(english[`need.${need}`]).check();
  await widget(page).getByRole('button', { name: english['common.continue'] }).click();

  assert.equal(await heading(page), english['name.heading']);
  await expectAccessible(page, 'the name page');
  await widget(page).getByLabel(english['name.heading']).fill(body.person.name);
  await widget(page).getByRole('button', { name: english['common.continue'] }).click();

  assert.equal(await heading(page), english['contact.heading']);
  await widget(page).getByLabel(english['contact.method.phone']).check();
  await widget(page).getByLabel(english['contact.phone_label']).fill(body.contact.phone);
  await expectAccessible(page, 'the contact page');
  await widget(page).getByRole('button', { name: english['common.continue'] }).click();

  assert.equal(await heading(page), english['consent.heading']);
  await expectAccessible(page, 'the consent page');
  await widget(page).getByLabel(english['consent.share']).check();
  await widget(page).getByLabel(english['consent.contact']).check();
  await widget(page).getByRole('button', { name: english['consent.send'] }).click();

  await widget(page).locator('.sp-reference').waitFor();
  assert.equal(await heading(page), english['confirmation.heading']);
  const reference = (await widget(page).locator('.sp-reference').innerText()).trim();
  assert.match(reference, REFERENCE);
  assert.ok(await widget(page).locator('a[href="tel:116123"]').count(), 'the crisis lines are on the confirmation');
  await expectAccessible(page, 'the confirmation page');

  const stored = server.stored(reference);
  assert.equal(stored.reference, reference);
  assert.equal(stored.status, 'new');
  assert.deepEqual(stored.referral, canonical(body));
  assert.deepEqual(problems, []);
  await context.close();
});

test('the whole journey works by keyboard alone', async () => {
  const { page, context, problems } = await openPage(browser, server.url);

  await tabTo(page, exactly('button', english['start.button']));
  await page.keyboard.press('Enter');
  assert.equal(await heading(page), english['needs.heading']);

  await tabTo(page, exactly('input', english['need.loneliness']));
  await page.keyboard.press('Space');
  await tabTo(page, exactly('input', english['need.bereavement']));
  await page.keyboard.press('Space');
  await tabTo(page, exactly('button', english['common.continue']));
  await page.keyboard.press('Enter');

  assert.equal(await heading(page), english['name.heading']);
  await tabTo(page, exactly('input', english['name.heading']));
  await page.keyboard.type('Ailsa Macdonald');
  await page.keyboard.press('Enter'); // Enter in a text field submits, as on any form

  assert.equal(await heading(page), english['contact.heading']);
  await tabTo(page, exactly('input', english['contact.method.phone']));
  await page.keyboard.press('ArrowDown'); // radios: arrows move and choose
  assert.equal(await focused(page), `input: ${english['contact.method.text']}`);
  await tabTo(page, exactly('input', english['contact.phone_label']));
  await page.keyboard.type('+44 7700 900 982');
  await page.keyboard.press('Enter');

  assert.equal(await heading(page), english['consent.heading']);
  await tabTo(page, exactly('input', english['consent.share']));
  await page.keyboard.press('Space');
  await tabTo(page, exactly('input', english['consent.contact']));
  await page.keyboard.press('Space');
  await tabTo(page, exactly('input', english['consent.evaluation']));
  await page.keyboard.press('Space');
  await tabTo(page, exactly('button', english['consent.send']));
  await page.keyboard.press('Enter');

  await widget(page).locator('.sp-reference').waitFor();
  const reference = (await widget(page).locator('.sp-reference').innerText()).trim();
  const stored = server.stored(reference);
  assert.deepEqual(stored.referral.needs, ['loneliness', 'bereavement']);
  assert.equal(stored.referral.person.name, 'Ailsa Macdonald');
  assert.deepEqual(stored.referral.contact, { methods: ['text'], phone: '07700900982' });
  assert.deepEqual(stored.referral.consent.purposes, ['share_with_service', 'contact_me', 'evaluation']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('each validation error is shown, accessible, and fixed without losing answers', async () => {
  const { page, context, problems } = await openPage(browser, server.url);
  const w = widget(page);
  const cont = () => w.getByRole('button', { name: english['common.continue'] }).click();
  const expectError = async (code, where) => {
    await w.locator('.sp-error-summary').waitFor();
    assert.equal((await w.locator('.sp-error-summary a').innerText()).trim(), english[`error.${code}`]);
    assert.match(await w.locator('.sp-error-message').first().innerText(), new RegExp(english[`error.${code}`].replace(/[()+.]/g, '\\$&')));
    await expectAccessible(page, where);
  };

  await w.getByRole('button', { name: english['start.button'] }).click();
  await cont();
  await expectError('needs_missing', 'needs error');
  await w.getByLabel(english['need.food']).check();
  await cont();

  await cont();
  await expectError('name_missing', 'name error');
  const nameInput = w.getByLabel(english['name.heading']);
  assert.equal(await nameInput.getAttribute('aria-invalid'), 'true');
  assert.match(await nameInput.getAttribute('aria-describedby'), /-error/);
  await nameInput.fill('Jo');
  await cont();

  await cont();
  await expectError('contact_method_missing', 'contact method error');
  await w.getByLabel(english['contact.method.email']).check();
  await w.getByLabel(english['contact.email_label']).fill('jo.example.com');
  await cont();
  await expectError('email_malformed', 'email error');
  await w.getByLabel(english['contact.method.phone']).check();
  await w.getByLabel(english['contact.phone_label']).fill('12345');
  await cont();
  await expectError('phone_not_uk', 'phone error');
  await w.getByLabel(english['contact.phone_label']).fill('07700 900 123');
  await cont();

  await w.getByRole('button', { name: english['consent.send'] }).click();
  await w.locator('.sp-error-summary').waitFor();
  const summary = await w.locator('.sp-error-summary a').allInnerTexts();
  assert.deepEqual(summary, [english['error.consent_share_missing'], english['error.consent_contact_missing']]);
  await expectAccessible(page, 'consent errors');

  // Going back keeps every answer, including the earlier pages'.
  await w.getByRole('button', { name: english['common.back'] }).click();
  assert.equal(await w.getByLabel(english['contact.phone_label']).inputValue(), '07700 900 123');
  await w.getByRole('button', { name: english['common.back'] }).click();
  assert.equal(await w.getByLabel(english['name.heading']).inputValue(), 'Jo');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a failed send says so plainly, retries with the same key, and never confirms early', async () => {
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
  await w.getByLabel(english['need.housing']).check();
  await w.getByRole('button', { name: english['common.continue'] }).click();
  await w.getByLabel(english['name.heading']).fill('Sam');
  await w.getByRole('button', { name: english['common.continue'] }).click();
  await w.getByLabel(english['contact.method.phone']).check();
  await w.getByLabel(english['contact.phone_label']).fill('0141 496 0000');
  await w.getByRole('button', { name: english['common.continue'] }).click();
  await w.getByLabel(english['consent.share']).check();
  await w.getByLabel(english['consent.contact']).check();
  await w.getByRole('button', { name: english['consent.send'] }).click();

  await w.getByText(/have not been sent yet/).waitFor();
  assert.equal(await w.locator('.sp-reference').count(), 0, 'no confirmation before acknowledgement');
  await expectAccessible(page, 'the retrying page');
  await w.locator('.sp-reference').waitFor();
  assert.equal(keys.length, 3);
  assert.equal(new Set(keys).size, 1, 'every attempt carries the same idempotency key');
  assert.match(keys[0], /^[0-9a-f-]{36}$/);

  // Everything down: after its retries the widget says so and offers to try again.
  await context.close();
  const second = await openPage(browser, server.url);
  const w2 = widget(second.page);
  await second.page.route('**/api/v1/referrals', (route) => route.abort('internetdisconnected'));
  await w2.getByRole('button', { name: english['start.button'] }).click();
  await w2.getByLabel(english['need.caring']).check();
  await w2.getByRole('button', { name: english['common.continue'] }).click();
  await w2.getByLabel(english['name.heading']).fill('Sam');
  await w2.getByRole('button', { name: english['common.continue'] }).click();
  await w2.getByLabel(english['contact.method.email']).check();
  await w2.getByLabel(english['contact.email_label']).fill('sam@example.com');
  await w2.getByRole('button', { name: english['common.continue'] }).click();
  await w2.getByLabel(english['consent.share']).check();
  await w2.getByLabel(english['consent.contact']).check();
  await w2.getByRole('button', { name: english['consent.send'] }).click();
  await w2.getByRole('button', { name: english['failed.try_again'] }).waitFor({ timeout: 15000 });
  assert.equal(await heading(second.page), english['failed.heading']);
  await expectAccessible(second.page, 'the failed page');

  await second.page.unroute('**/api/v1/referrals');
  await w2.getByRole('button', { name: english['failed.try_again'] }).click();
  await w2.locator('.sp-reference').waitFor();
  const reference = (await w2.locator('.sp-reference').innerText()).trim();
  assert.equal(server.stored(reference).referral.contact.email, 'sam@example.com');
  await second.context.close();
});
