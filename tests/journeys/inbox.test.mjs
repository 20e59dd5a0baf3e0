// The link workers' inbox in headless Chromium against the real signpost-server: an admin adds a
// link worker from the command line; the worker creates a password, sets up an authenticator app
// (the code computed here from the key on the page, RFC 6238) and signs in; a referral sent
// through the widget appears in the list with its safety flags; the worker opens it, moves it
// through the workflow with a note and an onward referral, creates a follow-up link; the
// follow-up is answered through the widget; the referral then shows the change. Once by mouse,
// once by keyboard alone, axe-core on every inbox page (error states included).
//
// With SP_SCREENSHOT_DIR set, each inbox page of the mouse journey is saved there at 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { totp } from './totp.mjs';
import { startServerAndBrowser, stopServerAndBrowser, openPage, axeViolations, fixture, english, widget, button } from './harness.mjs';
import { heading, wanted, answerQuestionnaire, answerByMouse, answerByKeyboard, moved, press, where } from './answering.mjs';

const serverBin = process.env.SIGNPOST_SERVER_BIN ?? join(import.meta.dirname, '../../target/debug/signpost-server');
const PASSWORD = 'heather moor lantern 7';

let server;
let browser;
before(async () => ({ server, browser } = await startServerAndBrowser()));
after(() => stopServerAndBrowser({ server, browser }));

test('the TOTP code matches RFC 6238\'s SHA-1 test vectors', () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890" in base32
  assert.equal(totp(secret, 59), '287082');
  assert.equal(totp(secret, 1111111109), '081804');
  assert.equal(totp(secret, 2000000000), '279037');
});

/** `signpost-server user add`, as an admin runs it: the one-time set-password link it prints. */
function addLinkWorker(email) {
  return execFileSync(serverBin, ['user', 'add', '--email', email, '--role', 'link-worker', '--practice', '43210',
    '--inbox-origin', server.url, '--db', server.db], { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } }).trim();
}

/** How a journey acts on a page: by mouse, or by keyboard alone (Tab to a control, then keys). */
const byMouse = {
  name: 'mouse',
  fill: (page, locator, text) => locator.fill(text),
  choose: (page, radio) => radio.check(),
  activate: (page, locator) => locator.click(),
};

/** Presses Tab until `locator` has the focus. */
async function tabTo(page, locator) {
  for (let presses = 0; presses < 250; presses++) {
    if (await locator.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${locator}`);
}

const byKeyboard = {
  name: 'keyboard',
  async fill(page, locator, text) {
    await tabTo(page, locator);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(text);
  },
  /** Tab into the radio group (which focuses its checked or first radio), then arrow to `radio`. */
  async choose(page, radio) {
    const name = await radio.getAttribute('name');
    for (let presses = 0; presses < 250; presses++) {
      if (await page.evaluate((n) => document.activeElement?.name === n, name)) break;
      await page.keyboard.press('Tab');
    }
    for (let moves = 0; moves < 20 && !(await radio.isChecked()); moves++) await page.keyboard.press('ArrowDown');
    assert.ok(await radio.isChecked(), `radio ${name}`);
  },
  async activate(page, locator) {
    await tabTo(page, locator);
    await page.keyboard.press('Enter');
  },
};

/** Waits for the inbox page titled `title`, checks it with axe-core, and saves its picture. */
async function inboxPage(page, title, shot) {
  await page.waitForFunction((t) => document.title === `${t} – Signpost inbox`, title);
  assert.deepEqual(await axeViolations(page), [], `axe-core violations on "${title}"`);
  assert.equal(await page.locator('h1').count(), 1, `one h1 on "${title}"`);
  if (shot && process.env.SP_SCREENSHOT_DIR) {
    await page.screenshot({ path: join(process.env.SP_SCREENSHOT_DIR, `${shot}.png`), fullPage: true });
  }
}

/** A person refers themselves on the demo practice's website, by mouse or by keyboard alone. */
async function referThroughTheWidget(way, body) {
  const { page, context, problems } = await openPage(browser, server.url);
  const w = widget(page);
  if (way === byKeyboard) {
    const byName = wanted(body);
    await answerByKeyboard(page, byName, english['start.button']);
    await page.keyboard.press('Enter');
    while ((await heading(page)) !== english['check.heading']) {
      const before = await where(page);
      await answerByKeyboard(page, byName, english['common.continue']);
      await page.keyboard.press('Enter');
      await moved(page, before);
    }
    await answerByKeyboard(page, byName, english['check.continue']);
    await page.keyboard.press('Enter');
    await w.locator('input[name="consent.purposes"]').first().waitFor();
    await answerByKeyboard(page, new Map([['consent.purposes', body.consent.purposes]]), english['consent.send']);
    await page.keyboard.press('Enter');
  } else {
    await w.getByRole('button', { name: english['start.button'] }).click();
    await answerQuestionnaire(page, body, english);
    await press(page, w.getByRole('button', { name: english['check.continue'] }));
    for (const key of ['consent.share', 'consent.contact']) await w.getByLabel(english[key]).check();
    await w.getByRole('button', { name: english['consent.send'] }).click();
  }
  await w.locator('.sp-reference').waitFor();
  const reference = (await w.locator('.sp-reference').innerText()).trim();
  assert.deepEqual(problems, []);
  await context.close();
  return reference;
}

/** The whole journey, `way` by mouse or by keyboard, for a worker of this `email`. */
async function journey(way, email, viewport) {
  const shots = way === byMouse;
  const shot = (name) => (shots ? name : null);

  // An admin adds the worker from the command line; the worker follows the link.
  const link = addLinkWorker(email);
  assert.match(link, /\/inbox\/set-password\/[A-Za-z0-9_-]+$/);
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(link);
  await inboxPage(page, 'Create your password', shot('01-create-password'));
  await way.fill(page, page.getByLabel('New password', { exact: true }), PASSWORD);
  await way.fill(page, page.getByLabel('Type your new password again', { exact: true }), PASSWORD);
  await way.activate(page, page.getByRole('button', { name: 'Create password' }));

  await inboxPage(page, 'Set up your authenticator app', shot('02-set-up-authenticator'));
  const secret = (await page.locator('.sp-inbox-secret').innerText()).trim();
  await way.fill(page, page.getByLabel('Code from your app', { exact: true }), totp(secret));
  await way.activate(page, page.getByRole('button', { name: 'Continue', exact: true }));
  await inboxPage(page, 'Save your recovery codes', shot('03-recovery-codes'));
  await way.activate(page, page.getByRole('button', { name: 'I have saved my recovery codes' }));
  await inboxPage(page, 'Referrals');

  // Signed out, then in again with the password and the next code (each code works once).
  await way.activate(page, page.getByRole('button', { name: 'Sign out' }));
  await inboxPage(page, 'You have signed out');
  await page.goto(`${server.url}/inbox/sign-in`);
  await inboxPage(page, 'Sign in', shot('04-sign-in'));
  await way.fill(page, page.getByLabel('Email address', { exact: true }), email);
  await way.fill(page, page.getByLabel('Password', { exact: true }), PASSWORD);
  await way.activate(page, page.getByRole('button', { name: 'Continue' }));
  await inboxPage(page, 'Enter the code from your authenticator app', shot('04b-enter-code'));
  await way.fill(page, page.getByLabel('Code', { exact: true }), totp(secret, Date.now() / 1000 + 30));
  await way.activate(page, page.getByRole('button', { name: 'Sign in', exact: true }));
  await inboxPage(page, 'Referrals');

  // A referral sent through the widget on the practice's website (no voicemail: a safety flag).
  const reference = await referThroughTheWidget(way, fixture('valid', 'phone-self-referral'));

  await page.goto(`${server.url}/inbox`);
  await inboxPage(page, 'Referrals', shot('05-list'));
  const row = page.locator('tr', { hasText: reference });
  await row.waitFor();
  assert.match(await row.innerText(), /No voicemail/, 'the safety flag is in the row');
  assert.match(await row.innerText(), /Money and debt, Housing or homelessness/);
  assert.match(await row.innerText(), /New/);

  // The detail: how to contact them safely first.
  await way.activate(page, row.getByRole('link', { name: 'Morag Campbell' }));
  await inboxPage(page, 'Referral', shot('06-referral'));
  const sections = await page.locator('h2').allInnerTexts();
  assert.deepEqual(sections.slice(0, 4), ['How to contact them safely', 'Urgent help', 'What they would like help with', 'About them']);
  await page.getByText('Do not leave a voicemail: they said it is not safe.').waitFor();
  assert.equal(await page.getByRole('img', { name: /Wellbeing scores/ }).count(), 1, 'the chart has a text alternative');

  // The workflow: a refused move first (no choice), then New → Contacted → Supporting.
  await way.activate(page, page.getByRole('button', { name: 'Change status' }));
  await inboxPage(page, 'Change status', shot('07-change-status'));
  await way.activate(page, page.getByRole('button', { name: 'Change status' }));
  await inboxPage(page, 'Error: Change status', shot('08-change-status-error'));
  assert.equal(await page.locator('.sp-inbox-error-summary a').innerText(), 'Select the new status');
  await way.choose(page, page.getByLabel('Contacted', { exact: true }));
  await way.fill(page, page.getByLabel('Why (optional)', { exact: true }), 'Spoke on the phone; called back at 2pm');
  await way.activate(page, page.getByRole('button', { name: 'Change status' }));
  await inboxPage(page, 'Referral');
  await page.getByText('Status changed', { exact: true }).waitFor();
  await way.activate(page, page.getByRole('button', { name: 'Change status' }));
  await inboxPage(page, 'Change status');
  await way.choose(page, page.getByLabel('Supporting', { exact: true }));
  await way.activate(page, page.getByRole('button', { name: 'Change status' }));
  await inboxPage(page, 'Referral');

  // A note and an onward referral, and its uptake.
  await way.activate(page, page.getByRole('button', { name: 'Add a note' }));
  await inboxPage(page, 'Add a note', shot('09-add-note'));
  await way.fill(page, page.getByLabel('Note', { exact: true }), 'Wants help with the council tax arrears first.');
  await way.activate(page, page.getByRole('button', { name: 'Add note' }));
  await inboxPage(page, 'Referral');
  await way.activate(page, page.getByRole('button', { name: 'Add an onward referral' }));
  await inboxPage(page, 'Add an onward referral', shot('10-add-onward'));
  await way.choose(page, page.getByLabel('Money and debt', { exact: true }));
  await way.fill(page, page.getByLabel(/Link to the service/), 'https://www.aliss.org/services/money-advice');
  await way.activate(page, page.getByRole('button', { name: 'Add onward referral' }));
  await inboxPage(page, 'Referral');
  await way.activate(page, page.getByRole('link', { name: /Record uptake/ }));
  await inboxPage(page, 'Record uptake', shot('11-record-uptake'));
  await way.choose(page, page.getByLabel('Yes', { exact: true }));
  await way.activate(page, page.getByRole('button', { name: 'Save' }));
  await inboxPage(page, 'Referral');

  // A follow-up link, shown once.
  await way.activate(page, page.getByRole('button', { name: 'Create a follow-up link' }));
  await inboxPage(page, 'Follow-up link created', shot('12-follow-up-link'));
  const followUp = await page.getByLabel('The link to send them', { exact: true }).inputValue();
  const token = followUp.match(/checkin=([A-Za-z0-9_-]{43})$/)[1];
  await way.activate(page, page.getByRole('link', { name: 'Back to the referral' }));
  await inboxPage(page, 'Referral');
  assert.ok(!(await page.content()).includes(token), 'the link is not shown again');

  // The person answers it through the widget (the demo's follow-up page on this server).
  const returning = await openPage(browser, `${server.url}/demo/follow-up.html?checkin=${token}`);
  await widget(returning.page).locator('.sp-scale-item').first().waitFor();
  const fours = new Map(Array.from({ length: 14 }, (_, i) => [`wellbeing.items.${i + 1}`, '4']));
  if (way === byKeyboard) {
    await answerByKeyboard(returning.page, fours, english['followup.send']);
    await returning.page.keyboard.press('Enter');
  } else {
    await answerByMouse(returning.page, fours);
    await button(returning.page, 'followup.send').click();
  }
  await widget(returning.page).locator('h1', { hasText: english['followup.result.heading'] }).waitFor();
  assert.deepEqual(returning.problems, []);
  await returning.context.close();

  // The detail shows the change, in words and as a table; then the referral is closed.
  await page.reload();
  await inboxPage(page, 'Referral', shot('13-referral-after-follow-up'));
  assert.match(await page.locator('#wellbeing-change').innerText(),
    /^Their score has gone up by 23 points since the baseline, from 33 to 56\. That is a meaningful change/);
  assert.deepEqual(await page.locator('.sp-inbox-chart + table tbody td:last-child').allInnerTexts(), ['33', '56']);
  await way.activate(page, page.getByRole('button', { name: 'Change status' }));
  await inboxPage(page, 'Change status');
  await way.choose(page, page.getByLabel('Closed', { exact: true }));
  await way.choose(page, page.getByLabel('Completed (connected to a service)', { exact: true }));
  await way.activate(page, page.getByRole('button', { name: 'Change status' }));
  await inboxPage(page, 'Referral');
  const history = await page.locator('.sp-inbox-timeline').innerText();
  for (const line of ['Referral received from the person', 'Status changed from New to Contacted',
    'Spoke on the phone; called back at 2pm', 'Status changed from Contacted to Supporting', 'Onward referral: Money and debt',
    'Taken up (Money and debt): Yes', 'Follow-up answered: score 56', 'Status changed from Supporting to Closed (Completed (connected to a service))']) {
    assert.ok(history.includes(line), `the history has "${line}"`);
  }
  assert.ok(history.includes(email), 'and who did each');
  assert.match(await page.locator('main h1 + p .sp-inbox-tag').innerText(), /^Closed: Completed \(connected to a service\)$/);
  assert.deepEqual(problems, []);
  await context.close();
}

test('a link worker is added, signs in, and works a referral from arrival to close by mouse', async () => {
  await journey(byMouse, `morag.${randomUUID().slice(0, 8)}@nhs.scot`, { width: 1280, height: 900 });
});

test('the same journey by keyboard alone', async () => {
  await journey(byKeyboard, `iain.${randomUUID().slice(0, 8)}@nhs.scot`, { width: 1024, height: 800 });
});
